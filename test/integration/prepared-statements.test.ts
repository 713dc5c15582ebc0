import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection, type Connection } from "../../db/client.server";
import { applyMigrations } from "../../db/migrate.server";
import { patients, practices } from "../../db/schema";
import { createEmptyDatabase } from "../helpers/test-database";

// ADR 0010: drizzle's queries are named prepared statements, kept on the connection, so a page's
// queries are not parsed and planned afresh on every request. A drizzle upgrade that went round
// the proxy in db/client.server.ts would only show as slower pages; this shows it at once.

let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
let connection: Connection;

/** The statements prepared on the connection's one session whose text contains `fragment`. */
async function preparedContaining(fragment: string): Promise<number> {
  const rows = await connection.db.execute<{ n: number }>(
    sql`select count(*)::int as n from pg_prepared_statements where position(${fragment} in statement) > 0`,
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  database = await createEmptyDatabase();
  await applyMigrations(database.url);
  // One connection, so every query below runs in the session whose statements are listed.
  connection = createConnection(database.url, { max: 1, asApp: true });
});

afterAll(async () => {
  await connection.close();
  await database.drop();
});

describe("drizzle's queries on the application's connection", () => {
  it("prepare a query once and use it again, however often it runs", async () => {
    for (const odsCode of ["A11111", "B22222", "C33333"]) {
      await connection.db.select({ id: practices.id }).from(practices).where(eq(practices.odsCode, odsCode));
    }
    expect(await preparedContaining(`where "practices"."ods_code" = $1`)).toBe(1);
  });

  it("prepare queries inside a transaction too", async () => {
    await connection.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.practice_id', ${randomUUID()}, true)`);
      await tx.select({ id: patients.id }).from(patients).where(eq(patients.nhsNumber, "9990000018"));
    });
    expect(await preparedContaining(`where "patients"."nhs_number" = $1`)).toBe(1);
  });

  it("leave a large batch unnamed, as its text changes with its size", async () => {
    const ids = Array.from({ length: 150 }, () => randomUUID());
    await connection.db.select({ id: practices.id }).from(practices).where(inArray(practices.id, ids));
    expect(await preparedContaining(`"practices"."id" in ($1, $2`)).toBe(0);
  });
});
