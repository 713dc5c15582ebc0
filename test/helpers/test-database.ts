import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { createConnection, setConnection, type Connection } from "../../db/client.server";
import { applyMigrations } from "../../db/migrate.server";

export interface TestDatabase extends Connection {
  url: string;
  name: string;
  /**
   * The owner's connection, for setting up fixtures and looking underneath;
   * row-level security does not apply to it. `db` and `sql` act as the
   * application's role, as services do.
   */
  admin: postgres.Sql;
  /** Closes the connections and drops the database. */
  drop(): Promise<void>;
}

/** A URL for another database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(inject("postgresServerUrl"));
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createEmptyDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `portal_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(inject("postgresServerUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      const a = postgres(inject("postgresServerUrl"), { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * A fresh database migrated with the real migrations, set as the
 * connection that services use.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const empty = await createEmptyDatabase();
  await applyMigrations(empty.url);
  const connection = createConnection(empty.url, { max: 4, asApp: true });
  const admin = postgres(empty.url, { max: 2, onnotice: () => {} });
  setConnection(connection);
  return {
    ...connection,
    admin,
    url: empty.url,
    name: empty.name,
    drop: async () => {
      setConnection(undefined);
      await connection.close();
      await admin.end();
      await empty.drop();
    },
  };
}
