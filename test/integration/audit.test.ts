import { DrizzleQueryError } from "drizzle-orm/errors";
import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAuditEvent } from "../../app/models/audit.server";
import { upsertPatients } from "../../app/models/patients.server";
import type { Practice } from "../../app/models/practices.server";
import { addPractice } from "../../app/services/practices.server";
import { withPractice } from "../../db/tenancy.server";
import { runCli } from "../helpers/run-command";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

/** The PostgreSQL error a piece of work fails with, unwrapped from drizzle's DrizzleQueryError. */
async function postgresError(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return (error instanceof DrizzleQueryError ? error.cause : error) as { code?: string; message: string };
  }
  throw new Error("PostgreSQL accepted what it should have refused.");
}

describe("audit trail", () => {
  let db: TestDatabase;
  let a: Practice;
  let b: Practice;
  const verify = (odsCode: string) => runCli(["audit", "verify", "--practice", odsCode], { DATABASE_URL: db.url });

  let practices = 0;
  async function newPractice(): Promise<Practice> {
    practices += 1;
    const added = await addPractice({ odsCode: `Z9000${practices}`, name: `Audit Test Surgery ${practices}`, clinicalSystem: "tpp" });
    if (!added.ok) throw new Error(added.error);
    return added.practice;
  }

  /** Appends `n` events for a practice, each in its own transaction; returns their ids in order. */
  async function appendEvents(practice: Practice, n: number): Promise<number[]> {
    for (let i = 1; i <= n; i++) {
      await withPractice(practice.id, (tx) =>
        appendAuditEvent(tx, { practiceId: practice.id, actorId: null, actorRole: "system", action: "test.event", summary: { i } }),
      );
    }
    const rows = await db.admin<{ id: string }[]>`select id from audit_events where practice_id = ${practice.id} order by id`;
    return rows.map((r) => Number(r.id));
  }

  /** Writes underneath the append-only trigger, as someone with the owner's password could. */
  function tamper(work: (sql: postgres.TransactionSql) => Promise<unknown>) {
    return db.admin.begin(async (sql) => {
      await sql`set local session_replication_role = replica`;
      await work(sql);
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await newPractice();
    b = await newPractice();
    await appendEvents(a, 3);
  });
  afterAll(() => db.drop());

  describe("is append-only", () => {
    // The application's role, acting for the practice whose rows these are.
    const asAppForA = (work: (sql: postgres.TransactionSql) => Promise<unknown>) =>
      postgresError(
        db.sql.begin(async (sql) => {
          await sql`select set_config('app.practice_id', ${a.id}, true)`;
          await work(sql);
        }),
      );

    it("refuses the application's role any change but append_audit_event", async () => {
      const before = await db.admin`select * from audit_events order by id`;
      expect(before.length).toBeGreaterThan(0);
      const refused = { code: "42501", message: "permission denied for table audit_events" };
      expect(await asAppForA((sql) => sql`update audit_events set summary = '{}'`)).toMatchObject(refused);
      expect(await asAppForA((sql) => sql`delete from audit_events`)).toMatchObject(refused);
      expect(await asAppForA((sql) => sql`truncate audit_events`)).toMatchObject(refused);
      expect(
        await asAppForA(
          (sql) => sql`insert into audit_events (practice_id, actor_role, action, hash) values (${a.id}, 'system', 'forged', 'x')`,
        ),
      ).toMatchObject(refused);
      expect(await db.admin`select * from audit_events order by id`).toEqual(before);

      // It can read its own practice's rows and append through the function.
      await db.sql.begin(async (sql) => {
        await sql`select set_config('app.practice_id', ${a.id}, true)`;
        expect(await sql`select id from audit_events`).toHaveLength(before.filter((r) => r.practice_id === a.id).length);
        await sql`select append_audit_event(${a.id}, null, 'system', 'test.appended', null, null, '{}', null)`;
      });
      const [appended] = await db.admin<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'test.appended'`;
      expect(appended!.n).toBe(1);
    });

    it("refuses even the owner an update, a delete or a truncate", async () => {
      const before = await db.admin`select * from audit_events order by id`;
      const [first] = before;
      await expect(db.admin`update audit_events set summary = '{"x":1}' where id = ${first!.id}`).rejects.toThrow(
        "audit_events is append-only: UPDATE is not allowed",
      );
      await expect(db.admin`delete from audit_events where id = ${first!.id}`).rejects.toThrow(
        "audit_events is append-only: DELETE is not allowed",
      );
      await expect(db.admin`truncate audit_events`).rejects.toThrow("audit_events is append-only: TRUNCATE is not allowed");
      expect(await db.admin`select * from audit_events order by id`).toEqual(before);
    });
  });

  describe("shares a transaction with the change it records", () => {
    const patient = (practiceId: string, nhsNumber: string) => ({
      practiceId,
      nhsNumber,
      givenName: "Audit",
      familyName: "Subject",
      dateOfBirth: "1980-05-17",
    });
    const stored = async (nhsNumber: string, action: string) => {
      const [row] = await db.admin<{ patients: number; events: number }[]>`
        select (select count(*)::int from patients where nhs_number = ${nhsNumber}) as patients,
               (select count(*)::int from audit_events where action = ${action}) as events`;
      return row;
    };

    it("keeps both a change and its event when both succeed", async () => {
      await withPractice(a.id, async (tx) => {
        await upsertPatients(tx, [patient(a.id, "9434765919")]);
        await appendAuditEvent(tx, { practiceId: a.id, actorId: null, actorRole: "system", action: "test.patient-added" });
      });
      expect(await stored("9434765919", "test.patient-added")).toEqual({ patients: 1, events: 1 });
    });

    it("undoes the change when its event is refused as another practice's", async () => {
      const failure = await postgresError(
        withPractice(a.id, async (tx) => {
          await upsertPatients(tx, [patient(a.id, "9434765870")]);
          await appendAuditEvent(tx, { practiceId: b.id, actorId: null, actorRole: "system", action: "test.misfiled" });
        }),
      );
      expect(failure.message).toBe("an audit event for another practice than the one acted for");
      expect(await stored("9434765870", "test.misfiled")).toEqual({ patients: 0, events: 0 });
    });
  });

  describe("hash chain, checked by `cli audit verify`", () => {
    it("finds an intact chain intact, then names the row whose contents were changed", async () => {
      const practice = await newPractice();
      const ids = await appendEvents(practice, 6);
      // Another practice's chain, interleaved, is a chain of its own.
      await appendEvents(b, 2);
      await appendEvents(practice, 1);

      const intact = await verify(practice.odsCode);
      expect(intact).toEqual({ code: 0, stdout: `The audit trail of ${practice.odsCode} is intact (7 rows).\n`, stderr: "" });

      const middle = ids[3]!;
      await tamper((sql) => sql`update audit_events set summary = '{"x":1}' where id = ${middle}`);
      const broken = await verify(practice.odsCode);
      expect(broken).toEqual({
        code: 1,
        stdout: "",
        stderr: `The audit trail is broken at row ${middle}: its contents do not match its hash.\n`,
      });
    });

    it("names the row after a gap where a row was deleted", async () => {
      const practice = await newPractice();
      const ids = await appendEvents(practice, 5);
      expect((await verify(practice.odsCode)).code).toBe(0);

      await tamper((sql) => sql`delete from audit_events where id = ${ids[2]!}`);
      const broken = await verify(practice.odsCode);
      expect(broken).toEqual({
        code: 1,
        stdout: "",
        stderr: `The audit trail is broken at row ${ids[3]!}: it does not link to the row before it.\n`,
      });
    });

    it("stays one unbroken chain when many transactions append at once", async () => {
      const practice = await newPractice();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          withPractice(practice.id, (tx) =>
            appendAuditEvent(tx, { practiceId: practice.id, actorId: null, actorRole: "system", action: "test.concurrent", summary: { i } }),
          ),
        ),
      );
      const rows = await db.admin<{ previous_hash: string | null }[]>`
        select previous_hash from audit_events where practice_id = ${practice.id}`;
      expect(rows).toHaveLength(20);
      // No fork: exactly one start, and no two rows link to the same predecessor.
      expect(rows.filter((r) => r.previous_hash === null)).toHaveLength(1);
      expect(new Set(rows.map((r) => r.previous_hash)).size).toBe(20);

      expect(await verify(practice.odsCode)).toEqual({
        code: 0,
        stdout: `The audit trail of ${practice.odsCode} is intact (20 rows).\n`,
        stderr: "",
      });
    });
  });
});
