import { buildIfNeeded } from "../../server/build";
import { freePort } from "./free-port";
import { startRunningServer } from "./running-server";
import { createEmptyDatabase } from "./test-database";

export interface AppUnderTest {
  baseUrl: string;
  databaseUrl: string;
  /** Stops the server (as a supervisor would, with SIGTERM) and drops its database. */
  stop(): Promise<void>;
}

/**
 * The portal as `npm start` runs it in production, on its own empty database
 * (so it creates the demo practice) and a free port. `env` adds to, or
 * overrides, the server's environment (SENDING_HOURS, say).
 */
export async function startAppUnderTest(options: { env?: Record<string, string> } = {}): Promise<AppUnderTest> {
  // Builds only when build/ is missing or older than the sources, as the
  // server itself would; doing it here keeps the build out of the server's
  // start-up timeout. Throws if the build fails.
  buildIfNeeded((line) => process.stdout.write(`${line}\n`));
  const database = await createEmptyDatabase();
  try {
    const port = await freePort();
    const server = await startRunningServer({
      DATABASE_URL: database.url,
      DEMO_PRACTICE: "true",
      PORT: String(port),
      // Vitest sets NODE_ENV=test, which the child would otherwise inherit.
      NODE_ENV: "production",
      ...options.env,
    });
    return {
      baseUrl: `http://localhost:${port}`,
      databaseUrl: database.url,
      stop: async () => {
        try {
          await server.stop("SIGTERM");
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
