import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;

export interface Connection {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

/**
 * The role the application acts as. It owns nothing, so PostgreSQL's
 * row-level security applies to every query it makes (migration 0001).
 */
export const APP_ROLE = "portal_app";

export function createConnection(url: string, options: { max?: number; asApp?: boolean } = {}): Connection {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: 10,
    onnotice: () => {},
    ...(options.asApp ? { connection: { role: APP_ROLE } } : {}),
  });
  return {
    db: drizzle(sql, { schema }),
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}

// The server and the Remix build are separate module graphs in one process,
// so the shared connection lives on globalThis rather than in a module
// variable.
const key = Symbol.for("online-access-portal.connection");
type Holder = { [key]?: Connection };

export function setConnection(connection: Connection | undefined): void {
  (globalThis as Holder)[key] = connection;
}

/** The underlying postgres.js client, for what drizzle does not do (COPY). */
export function getSql(): postgres.Sql {
  const connection = (globalThis as Holder)[key];
  if (!connection) throw new Error("The database connection has not been opened.");
  return connection.sql;
}

export function getDb(): Database {
  const connection = (globalThis as Holder)[key];
  if (!connection) throw new Error("The database connection has not been opened.");
  return connection.db;
}

/** Shows a connection URL without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "the configured address";
  }
}
