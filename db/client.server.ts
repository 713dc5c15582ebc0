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
    db: drizzle(preparing(sql), { schema }),
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * Queries with more parameters than this are batches (many rows inserted, many ids looked up)
 * whose text changes with their size: kept as prepared statements, each size would stay on the
 * connection and seldom be used again.
 */
const MAX_PREPARED_PARAMETERS = 100;

/**
 * The postgres.js client as drizzle should see it: each query it sends is a named prepared
 * statement, kept on the connection and reused. drizzle asks for unnamed statements unless a query
 * is prepared by hand, and postgres.js sends an unnamed query with parameters in two round trips
 * (parse and describe, then bind and execute), with PostgreSQL parsing and planning it afresh each
 * time: under load that cost more than running most queries (ADR 0010). postgres.js already
 * prepares the queries written with it directly, so this asks nothing new of a connection pooler.
 * Transactions and savepoints hand drizzle a client of their own, wrapped the same way.
 */
function preparing<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      switch (property) {
        case "unsafe":
          return (query: string, parameters?: unknown[], options?: postgres.UnsafeQueryOptions) =>
            target.unsafe(query, parameters as postgres.ParameterOrJSON<never>[], {
              ...options,
              prepare: options?.prepare === true || (parameters?.length ?? 0) <= MAX_PREPARED_PARAMETERS,
            });
        case "begin":
        case "savepoint":
          return (...args: unknown[]) => {
            const work = args.pop() as (scoped: postgres.TransactionSql) => unknown;
            const original = Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown;
            return original.call(target, ...args, (scoped: postgres.TransactionSql) => work(preparing(scoped)));
          };
        default:
          return Reflect.get(target, property, receiver);
      }
    },
  });
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
