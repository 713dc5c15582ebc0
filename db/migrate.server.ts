import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createConnection } from "./client.server";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

// Any advisory-lock key will do, as long as every entry point uses the same.
const MIGRATION_LOCK = 727_104_106;

/**
 * Applies pending migrations. Several processes (server, worker, CLI) may
 * start at once, so they take turns under an advisory lock.
 */
export async function applyMigrations(url: string): Promise<void> {
  const connection = createConnection(url, { max: 1 });
  try {
    await connection.sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(connection.db, { migrationsFolder });
    } finally {
      await connection.sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await connection.close();
  }
}
