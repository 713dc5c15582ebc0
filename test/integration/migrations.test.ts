import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection, setConnection, type Connection } from "../../db/client.server";
import { applyMigrations } from "../../db/migrate.server";
import { takeReviewStep } from "../../app/services/request-steps.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { createEmptyDatabase } from "../helpers/test-database";

const MIGRATIONS = path.resolve("db/migrations");

/** Applies the committed migrations up to and including `lastTag`, as a database deployed then has them. */
async function migrateUpTo(url: string, lastTag: string): Promise<void> {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration ${lastTag}`);
  const entries = journal.entries.slice(0, last + 1);
  const folder = mkdtempSync(path.join(os.tmpdir(), "portal-migrations-"));
  try {
    mkdirSync(path.join(folder, "meta"));
    writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
    for (const { tag } of entries) copyFileSync(path.join(MIGRATIONS, `${tag}.sql`), path.join(folder, `${tag}.sql`));
    const connection = createConnection(url, { max: 1 });
    try {
      await migrate(connection.db, { migrationsFolder: folder });
    } finally {
      await connection.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

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

describe("migration 0009 (decisions safe by construction) on a database in use", () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let sql: postgres.Sql;
  /** The application's own connection to the migrated database, as the services use it. */
  let app: Connection | undefined;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createEmptyDatabase();
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
    await migrateUpTo(database.url, "0008_staff_sign_in_and_invitations");
    // Decisions as the portal recorded them before 0009: one grant to a patient with a 104, with no
    // counselling record and an access level the new checks refuse; one opt-out for a patient with no codes.
    const [practice] = await sql<{ id: string }[]>`
      insert into practices (ods_code, name, clinical_system) values ('M09001', 'Before Surgery', 'emis') returning id`;
    ids.practice = practice!.id;
    const [staff] = await sql<{ id: string }[]>`insert into staff_users (email, name, status) values ('old@example.org', 'Old Hand', 'active') returning id`;
    ids.staff = staff!.id;
    for (const [key, nhsNumber, code] of [["atRisk", "9434765919", "104"], ["plain", "9434765870", null], ["waiting", "9434765862", null]] as const) {
      const [patient] = await sql<{ id: string }[]>`
        insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth)
        values (${ids.practice!}, ${nhsNumber}, 'Ann', 'Lee', '1980-01-01') returning id`;
      ids[key] = patient!.id;
      if (code) {
        await sql`insert into coded_entries (practice_id, patient_id, code, recorded_on, source) values (${ids.practice!}, ${patient!.id}, ${code}, '2024-01-10', 'import')`;
      }
    }
    const decide = async (reference: string, patientId: string, kind: string, outcome: string, code: string | null, level: string) => {
      const [request] = await sql<{ id: string }[]>`
        insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
        values (${ids.practice!}, ${reference}, ${kind}, 'decided', ${patientId}, 'full', 'online-form') returning id`;
      const [decision] = await sql<{ id: string }[]>`
        insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, decided_by)
        values (${ids.practice!}, ${request!.id}, ${patientId}, ${outcome}, ${code}, ${level}, 'record-match', ${ids.staff!}) returning id`;
      return { request: request!.id, decision: decision!.id };
    };
    const granted = await decide("RQ-OLD0-0001", ids.atRisk!, "opt-in", "granted", null, "none");
    const optedOut = await decide("RQ-OLD0-0002", ids.plain!, "opt-out", "opt-out-recorded", "103", "none");
    // A grant decided but not yet done in the clinical system when the portal was upgraded.
    const waiting = await decide("RQ-OLD0-0003", ids.waiting!, "opt-in", "granted", "106", "prospective-record");
    Object.assign(ids, {
      grantRequest: granted.request,
      grant: granted.decision,
      optOutRequest: optedOut.request,
      optOut: optedOut.decision,
      waitingRequest: waiting.request,
      waitingGrant: waiting.decision,
    });
    // What the grant's patient was told, oldest first: a word that was later corrected, the outcome in
    // force, and an unrelated message after both.
    const message = async (template: string, createdAt: string) => {
      const [row] = await sql<{ id: string }[]>`
        insert into messages (practice_id, request_id, patient_id, channel, template_key, status, created_at)
        values (${ids.practice!}, ${granted.request}, ${ids.atRisk!}, 'letter', ${template}, 'sent', ${createdAt}) returning id`;
      return row!.id;
    };
    ids.toldFirst = await message("outcome-access-not-granted", "2024-02-01T10:00:00Z");
    ids.toldLast = await message("outcome-access-granted", "2024-03-01T10:00:00Z");
    await message("request-received", "2024-04-01T10:00:00Z");

    await applyMigrations(database.url);
  });
  afterAll(async () => {
    setConnection(undefined);
    await app?.close();
    await sql?.end();
    await database?.drop();
  });

  it("keeps every earlier decision exactly as recorded, marked legacy, outside the new checks", async () => {
    const rows = await sql<{ id: string; outcome: string; code_to_enter: string | null; access_level: string; legacy: boolean; had_active_104: boolean }[]>`
      select id, outcome, code_to_enter, access_level, legacy, had_active_104 from decisions order by decided_at, id`;
    expect(rows).toEqual(
      expect.arrayContaining([
        { id: ids.grant, outcome: "granted", code_to_enter: null, access_level: "none", legacy: true, had_active_104: true },
        { id: ids.optOut, outcome: "opt-out-recorded", code_to_enter: "103", access_level: "none", legacy: true, had_active_104: false },
        { id: ids.waitingGrant, outcome: "granted", code_to_enter: "106", access_level: "prospective-record", legacy: true, had_active_104: false },
      ]),
    );
    expect(rows).toHaveLength(3);
  });

  it("remembers that a request about a patient with a 104 needs private contact", async () => {
    const requests = await sql<{ id: string; had_active_104: boolean }[]>`select id, had_active_104 from requests`;
    expect(Object.fromEntries(requests.map((r) => [r.id, r.had_active_104]))).toEqual({ [ids.grantRequest!]: true, [ids.optOutRequest!]: false, [ids.waitingRequest!]: false });
  });

  it("lets a legacy decision still be worked (marked done, superseded), while refusing the same contradiction in a new one", async () => {
    await sql`update decisions set actioned_at = now(), actioned_by = decided_by where id = ${ids.grant!}`;
    await sql`update decisions set superseded_at = now(), superseded_by = decided_by, superseded_reason = 'Corrected' where id = ${ids.grant!}`;
    const [row] = await sql<{ legacy: boolean; actioned: boolean; superseded: boolean }[]>`
      select legacy, actioned_at is not null as actioned, superseded_at is not null as superseded from decisions where id = ${ids.grant!}`;
    expect(row).toEqual({ legacy: true, actioned: true, superseded: true });
    await expect(
      sql`insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, decided_by)
          values (${ids.practice!}, ${ids.grantRequest!}, ${ids.atRisk!}, 'granted', null, 'none', 'record-match', ${ids.staff!})`,
    ).rejects.toThrow(/decisions_outcome_code_level/);
  });

  it("links each earlier decision to the latest outcome message of its request, so that its page shows what the patient was told", async () => {
    const rows = await sql<{ id: string; outcome_message_id: string | null }[]>`select id, outcome_message_id from decisions`;
    expect(Object.fromEntries(rows.map((r) => [r.id, r.outcome_message_id]))).toEqual({ [ids.grant!]: ids.toldLast, [ids.optOut!]: null, [ids.waitingGrant!]: null });
  });

  it("keeps 'legacy' to the migration: a new decision can neither be inserted nor updated as legacy", async () => {
    const [request] = await sql<{ id: string }[]>`
      insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
      values (${ids.practice!}, 'RQ-NEW0-0001', 'opt-out', 'decided', ${ids.plain!}, 'full', 'online-form') returning id`;
    const insert = (legacy: boolean) => sql<{ id: string }[]>`
      insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, decided_by, legacy)
      values (${ids.practice!}, ${request!.id}, ${ids.plain!}, 'opt-out-recorded', '103', 'none', 'record-match', ${ids.staff!}, ${legacy}) returning id`;
    await expect(insert(true)).rejects.toThrow(/cannot be marked legacy/);
    const [decision] = await insert(false);
    await expect(sql`update decisions set legacy = true where id = ${decision!.id}`).rejects.toThrow(/cannot be marked legacy/);
    const [row] = await sql<{ legacy: boolean }[]>`select legacy from decisions where id = ${decision!.id}`;
    expect(row).toEqual({ legacy: false });
  });

  it("refuses to mark an earlier decision done in the clinical system: it must be decided again", async () => {
    app = createConnection(database.url, { max: 2, asApp: true });
    setConnection(app);
    await sql`insert into staff_memberships (staff_user_id, practice_id, role) values (${ids.staff!}, ${ids.practice!}, 'manager')`;
    const manager: StaffContext = {
      sessionTokenHash: "unused",
      user: { id: ids.staff!, name: "Old Hand", email: "old@example.org" },
      practice: { id: ids.practice!, odsCode: "M09001", name: "Before Surgery", clinicalSystem: "emis", goLiveDate: null },
      role: "manager",
      memberships: [],
      developmentMail: false,
    };
    const [before] = await sql<{ version: number }[]>`select version from requests where id = ${ids.waitingRequest!}`;
    const result = await takeReviewStep(manager, { requestId: ids.waitingRequest!, version: before!.version, step: { kind: "mark-actioned" } }, new Date());
    expect(result).toEqual({ ok: false, kind: "refused", reason: expect.stringMatching(/before the portal checked decisions: reopen the request and decide it again/) as unknown });
    const [after] = await sql<{ state: string; version: number; actioned: boolean }[]>`
      select r.state, r.version, d.actioned_at is not null as actioned from requests r join decisions d on d.request_id = r.id where r.id = ${ids.waitingRequest!}`;
    expect(after).toEqual({ state: "decided", version: before!.version, actioned: false });
    expect(await sql`select id from messages where request_id = ${ids.waitingRequest!}`).toEqual([]);
  });
});
