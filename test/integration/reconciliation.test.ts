import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importPatientList, type ImportInput } from "../../app/services/patient-import.server";
import { addPractice } from "../../app/services/practices.server";
import { openRequestQueue } from "../../app/services/review-queue.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const NOW = new Date("2026-11-21T12:00:00Z");
const HEADER = "nhs_number,given_name,family_name,date_of_birth,postcode,email,latest_104,latest_106,latest_103";
// 23:30 UTC on 9 June is 00:30 on 10 June in the UK (BST): the decision's UK day is 10 June.
const DECIDED_AT = new Date("2026-06-09T23:30:00Z");
const PATIENT = "9434765919";
const OTHER = "9434765870";
const DAY_MS = 86_400_000;

describe("reconciling decisions with later imports", () => {
  let db: TestDatabase;
  let dir: string;
  let n = 0;

  const file = (lines: string[]) => {
    const filePath = path.join(dir, `list-${++n}.csv`);
    writeFileSync(filePath, [HEADER, ...lines].join("\r\n") + "\r\n");
    return filePath;
  };
  const row = (nhs: string, codes: { c104?: string; c106?: string }) =>
    `${nhs},Given,Family${nhs.slice(-2)},1970-01-01,LS1 4AP,p${nhs}@example.org,${codes.c104 ?? ""},${codes.c106 ?? ""},`;
  const run = (odsCode: string, filePath: string, extra: Partial<ImportInput> = {}) =>
    importPatientList({ odsCode, filePath, format: "canonical", actor: { id: null, role: "cli" }, now: NOW, ...extra });

  /** A practice with a 104 patient whose opt-in was granted, asking for a 106, decided at DECIDED_AT. */
  async function setUp() {
    const odsCode = `R${String(10000 + ++n)}`;
    const added = await addPractice({ odsCode, name: `Reconcile ${odsCode}`, clinicalSystem: "emis" });
    if (!added.ok) throw new Error("could not add the practice");
    const practiceId = added.practice.id;
    const first = await run(odsCode, file([row(PATIENT, { c104: "2025-01-05" }), row(OTHER, {})]));
    if (!first.ok) throw new Error(first.error);
    const [staff] = await db.admin<{ id: string }[]>`
      insert into staff_users (email, name, status) values (${`clinician-${odsCode}@example.org`}, 'Cleo Clinician', 'active') returning id`;
    const [patient] = await db.admin<{ id: string }[]>`select id from patients where practice_id = ${practiceId} and nhs_number = ${PATIENT}`;
    const [request] = await db.admin<{ id: string }[]>`
      insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel, received_at)
      values (${practiceId}, ${`RQ-${odsCode}`}, 'opt-in', 'decided', ${patient!.id}, 'full', 'online-form', ${new Date(DECIDED_AT.getTime() - 3 * DAY_MS).toISOString()}::timestamptz)
      returning id`;
    const [decision] = await db.admin<{ id: string }[]>`
      insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, decided_by, decided_at)
      values (${practiceId}, ${request!.id}, ${patient!.id}, 'granted', '106', 'prospective-record', 'record-match', ${staff!.id},
              ${DECIDED_AT.toISOString()}::timestamptz)
      returning id`;
    const context: StaffContext = {
      sessionTokenHash: "unused",
      user: { id: staff!.id, name: "Cleo Clinician", email: `clinician-${odsCode}@example.org` },
      practice: { id: practiceId, odsCode, name: `Reconcile ${odsCode}`, clinicalSystem: "emis", goLiveDate: null },
      role: "clinician",
      memberships: [],
      developmentMail: false,
    };
    return { odsCode, practiceId, requestId: request!.id, decisionId: decision!.id, context };
  }
  const decisionRow = async (id: string) => {
    const [d] = await db.admin<{ confirmed_by_import_id: string | null; confirmed_at: Date | null }[]>`
      select confirmed_by_import_id, confirmed_at from decisions where id = ${id}`;
    return d!;
  };
  const confirmationEvents = (practiceId: string) =>
    db.admin<{ subject_id: string; summary: { importId: string; confirmed: number } }[]>`
      select subject_id, summary from audit_events where practice_id = ${practiceId} and action = 'decisions.confirmed-by-import' order by id`;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), "portal-reconcile-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it("confirms the decision when a later import shows the 106 it asked for, recorded on or after the UK day it was made", async () => {
    const { odsCode, practiceId, decisionId } = await setUp();
    const shown = file([row(PATIENT, { c104: "2025-01-05", c106: "2026-06-10" }), row(OTHER, {})]);

    const dryRun = await run(odsCode, shown, { dryRun: true });
    expect(dryRun).toMatchObject({ ok: true, outcome: { committed: false, confirmedDecisions: 1 } });
    expect(await decisionRow(decisionId)).toEqual({ confirmed_by_import_id: null, confirmed_at: null });

    const result = await run(odsCode, shown);
    if (!result.ok) throw new Error(result.error);
    expect(result.outcome).toMatchObject({ committed: true, confirmedDecisions: 1 });
    const confirmed = await decisionRow(decisionId);
    expect(confirmed.confirmed_by_import_id).toBe(result.outcome.importId);
    expect(confirmed.confirmed_at).toBeInstanceOf(Date);
    expect(await confirmationEvents(practiceId)).toEqual([
      { subject_id: result.outcome.importId, summary: { importId: result.outcome.importId, confirmed: 1 } },
    ]);

    // The same file again confirms nothing more, and is not audited as confirming anything.
    const again = await run(odsCode, shown);
    expect(again).toMatchObject({ ok: true, outcome: { confirmedDecisions: 0 } });
    expect(await decisionRow(decisionId)).toEqual(confirmed);
    expect(await confirmationEvents(practiceId)).toHaveLength(1);
  });

  it("leaves the decision unconfirmed when the import does not show the 106", async () => {
    const { odsCode, practiceId, decisionId } = await setUp();
    const result = await run(odsCode, file([row(PATIENT, { c104: "2025-01-05" }), row(OTHER, { c106: "2026-07-01" })]));
    expect(result).toMatchObject({ ok: true, outcome: { confirmedDecisions: 0 } });
    expect(await decisionRow(decisionId)).toEqual({ confirmed_by_import_id: null, confirmed_at: null });
    expect(await confirmationEvents(practiceId)).toEqual([]);
  });

  it("does not count a 106 recorded before the UK day the decision was made", async () => {
    const { odsCode, decisionId } = await setUp();
    // 9 June is the decision's day in UTC, but the day before in the UK.
    const result = await run(odsCode, file([row(PATIENT, { c104: "2025-01-05", c106: "2026-06-09" }), row(OTHER, {})]));
    expect(result).toMatchObject({ ok: true, outcome: { updated: 1, confirmedDecisions: 0 } });
    expect(await decisionRow(decisionId)).toEqual({ confirmed_by_import_id: null, confirmed_at: null });
  });

  it("flags on the queue a decision not done in the clinical system after the practice's number of days", async () => {
    const { practiceId, requestId, decisionId, context } = await setUp();
    await db.admin`update practices set action_overdue_days = 5 where id = ${practiceId}`;
    const at = (ms: number) => new Date(DECIDED_AT.getTime() + ms);
    const item = (queue: Awaited<ReturnType<typeof openRequestQueue>>) => queue.items.find((i) => i.id === requestId)!;

    const before = await openRequestQueue(context, {}, at(5 * DAY_MS - 60_000));
    expect(before).toMatchObject({ actionDays: 5, overdueActions: 0 });
    expect(item(before).actionOverdueDays).toBeNull();

    const after = await openRequestQueue(context, {}, at(6 * DAY_MS + 3_600_000));
    expect(after.overdueActions).toBe(1);
    expect(item(after).actionOverdueDays).toBe(6);
    // The count covers every open request, whatever the filters.
    expect((await openRequestQueue(context, { kind: "opt-out" }, at(6 * DAY_MS))).overdueActions).toBe(1);

    await db.admin`update decisions set actioned_at = ${at(7 * DAY_MS).toISOString()}::timestamptz, actioned_by = decided_by where id = ${decisionId}`;
    await db.admin`update requests set state = 'actioned' where id = ${requestId}`;
    const actioned = await openRequestQueue(context, {}, at(30 * DAY_MS));
    expect(actioned.overdueActions).toBe(0);
    expect(item(actioned).actionOverdueDays).toBeNull();
  });

  it("does not flag a decision that a later import has confirmed", async () => {
    const { odsCode, requestId, context } = await setUp();
    const result = await run(odsCode, file([row(PATIENT, { c104: "2025-01-05", c106: "2026-06-12" }), row(OTHER, {})]));
    expect(result).toMatchObject({ ok: true, outcome: { confirmedDecisions: 1 } });
    const queue = await openRequestQueue(context, {}, new Date(DECIDED_AT.getTime() + 30 * DAY_MS));
    expect(queue.overdueActions).toBe(0);
    expect(queue.items.find((i) => i.id === requestId)!.actionOverdueDays).toBeNull();
  });
});
