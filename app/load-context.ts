// What the Express server (server/app.ts) passes to every loader and action.
declare module "@remix-run/node" {
  interface AppLoadContext {
    cspNonce: string;
    /**
     * The client's address, for per-address limits on sign-in and the public
     * form: the connection's own, or what a trusted proxy says (TRUST_PROXY).
     */
    clientAddress: string;
  }
}

export {};
