import type { Env } from "../app/env.server";
import { StartupError } from "../app/startup-error";
import { createConnection, describeDatabaseUrl, type Connection } from "./client.server";
import { startEmbeddedPostgres } from "./embedded.server";
import { applyMigrations } from "./migrate.server";

export interface OpenDatabase extends Connection {
  url: string;
  embedded: boolean;
}

/**
 * The one way every entry point (server, worker, CLI) reaches its database:
 * the server named by DATABASE_URL, or an embedded one in DATA_DIR; checked
 * reachable, and migrated, before anything else runs.
 */
export async function openDatabase(
  env: Pick<Env, "databaseUrl" | "dataDir">,
  log: (line: string) => void,
): Promise<OpenDatabase> {
  const embedded = env.databaseUrl ? null : await startEmbeddedPostgres(env.dataDir, log);
  const url = env.databaseUrl ?? embedded!.url;
  try {
    await checkReachable(url, embedded ? "the embedded database" : "DATABASE_URL");
    await applyMigrations(url);
  } catch (error) {
    await embedded?.stop();
    throw error instanceof StartupError
      ? error
      : new StartupError(`The database could not be migrated: ${(error as Error).message}.`);
  }
  const connection = createConnection(url, { asApp: true });
  return {
    ...connection,
    url,
    embedded: embedded !== null,
    close: async () => {
      await connection.close();
      await embedded?.stop();
    },
  };
}

async function checkReachable(url: string, source: string): Promise<void> {
  const probe = createConnection(url, { max: 1 });
  try {
    await probe.sql`select 1`;
  } catch (error) {
    throw new StartupError(
      `Could not connect to PostgreSQL at ${describeDatabaseUrl(url)} (${source}): ${explainConnectionError(error)}.`,
    );
  } finally {
    await probe.sql.end({ timeout: 1 }).catch(() => {});
  }
}

function explainConnectionError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case "ECONNREFUSED":
      return "connection refused, so no server is listening there";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name was not found";
    case "CONNECT_TIMEOUT":
    case "ETIMEDOUT":
      return "the connection timed out";
    case "28P01":
    case "28000":
      return "the user name or password was refused";
    case "3D000":
      return "that database does not exist";
    default:
      return (e.message ?? String(error)).replace(/\.$/, "");
  }
}
