import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../db/migrate.server";
import { createEmptyDatabase } from "../helpers/test-database";

describe("migrations", () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let sql: postgres.Sql;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql.end();
    await database.drop();
  });

  it("apply to an empty database, creating every aggregate's table", async () => {
    await applyMigrations(database.url);
    const tables = await sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        "audit_events",
        "campaigns",
        "coded_entries",
        "decisions",
        "imports",
        "letters",
        "messages",
        "patients",
        "practices",
        "request_submissions",
        "requests",
        "staff_memberships",
        "staff_users",
      ]),
    );
  });

  it("store every state as a Postgres enum that refuses unknown values", async () => {
    const states = await sql<{ label: string }[]>`
      select e.enumlabel as label from pg_enum e join pg_type t on t.oid = e.enumtypid
      where t.typname = 'request_state' order by e.enumsortorder`;
    expect(states.map((s) => s.label)).toEqual([
      "received",
      "identity-check",
      "triage",
      "clinician-review",
      "counselling",
      "decided",
      "actioned",
      "closed",
    ]);
    await expect(sql`select 'approved'::request_state`).rejects.toThrow(/invalid input value for enum/);
  });

  it("are not applied twice, even by several processes starting at once", async () => {
    await Promise.all([applyMigrations(database.url), applyMigrations(database.url), applyMigrations(database.url)]);
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    const journal = (await import("../../db/migrations/meta/_journal.json")).default as { entries: unknown[] };
    expect(row!.n).toBe(journal.entries.length);
  });

  it("refuse an NHS number that is not ten digits", async () => {
    const [practice] = await sql<{ id: string }[]>`
      insert into practices (ods_code, name, clinical_system) values ('A81001', 'Test', 'emis') returning id`;
    await expect(
      sql`insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth)
          values (${practice!.id}, '999 123 4567', 'Ann', 'Lee', '1980-01-01')`,
    ).rejects.toThrow(/patients_nhs_number_digits/);
  });
});
