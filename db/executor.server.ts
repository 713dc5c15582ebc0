import type { Database } from "./client.server";

/** The database, or a transaction on it: models accept either. */
export type Executor = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];
