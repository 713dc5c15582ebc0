// What the Express server (server/app.ts) passes to every loader and action.
declare module "@remix-run/node" {
  interface AppLoadContext {
    cspNonce: string;
    /** The client's address, for per-address sign-in limits. */
    clientAddress: string;
  }
}

export {};
