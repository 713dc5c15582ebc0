import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import type { StaffRole } from "../../app/domain/roles";
import { addPractice } from "../../app/services/practices.server";
import { getRequestReview, takeReviewStep, type DecisionInput } from "../../app/services/request-review.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { StaffClient } from "../helpers/staff-http";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const NOW = new Date("2026-11-21T12:00:00Z");

const OPT_OUT_DECISION: DecisionInput = {
  outcome: "opt-out-recorded",
  codeToEnter: "103",
  accessLevel: "none",
  identityMethod: "record-match",
  notes: null,
  counselledOn: null,
  counsellingMethod: null,
};

const GRANT: DecisionInput = {
  outcome: "granted",
  codeToEnter: "106",
  accessLevel: "prospective-record",
  identityMethod: "known-to-staff",
  notes: "Discussed by phone; happy to proceed.",
  counselledOn: "2026-11-20",
  counsellingMethod: "phone",
};

describe("reviewing a request", () => {
  let db: TestDatabase;
  let practiceId = "";
  const staff: Partial<Record<StaffRole, StaffContext>> = {};
  let nhsNumberSeq = 0;
  const NHS_NUMBERS = ["9434765919", "9434765870", "9434765862", "9434765854", "9434765846"];

  function as(role: StaffRole): StaffContext {
    return staff[role]!;
  }

  async function addPatient(fields: { email: string | null; codes?: { code: string; on: string }[]; contactIsPrivate?: boolean }) {
    const [patient] = await db.admin<{ id: string }[]>`
      insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, email, contact_is_private, online_account)
      values (${practiceId}, ${NHS_NUMBERS[nhsNumberSeq++]!}, 'Ada', 'Lovelace', '1970-01-01', ${fields.email},
              ${fields.contactIsPrivate ?? false}, true)
      returning id`;
    for (const entry of fields.codes ?? []) {
      await db.admin`
        insert into coded_entries (practice_id, patient_id, code, recorded_on, source)
        values (${practiceId}, ${patient!.id}, ${entry.code}, ${entry.on}, 'seed')`;
    }
    return patient!.id;
  }

  async function addRequest(reference: string, kind: string, state: string, patientId: string | null) {
    const [request] = await db.admin<{ id: string }[]>`
      insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
      values (${practiceId}, ${reference}, ${kind}, ${state}, ${patientId}, ${patientId ? "full" : "none"}, 'online-form')
      returning id`;
    await db.admin`
      insert into request_submissions (practice_id, request_id, answers)
      values (${practiceId}, ${request!.id}, ${db.admin.json({
        answers: { familyName: "<script>alert(1)</script>" },
        channel: "online-form",
        shownReference: reference,
        identity: { match: patientId ? "full" : "none", candidateIds: [], reasons: [] },
      })})`;
    return request!.id;
  }

  async function auditActions(requestId: string) {
    const rows = await db.admin<{ action: string; actor_role: string }[]>`
      select action, actor_role from audit_events where subject_id = ${requestId} order by id`;
    return rows.map((r) => `${r.actor_role}:${r.action}`);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const added = await addPractice({ odsCode: "R10001", name: "Review Road Surgery", clinicalSystem: "emis" });
    if (!added.ok) throw new Error("could not add the practice");
    practiceId = added.practice.id;
    for (const [role, name] of [
      ["reception", "Rita Reception"],
      ["clinician", "Dr Clare Clinician"],
    ] as const) {
      const [user] = await db.admin<{ id: string }[]>`
        insert into staff_users (email, name, status) values (${`${role}@example.org`}, ${name}, 'active') returning id`;
      await db.admin`insert into staff_memberships (staff_user_id, practice_id, role) values (${user!.id}, ${practiceId}, ${role})`;
      staff[role] = {
        sessionTokenHash: "unused",
        user: { id: user!.id, name, email: `${role}@example.org` },
        practice: { id: practiceId, odsCode: "R10001", name: "Review Road Surgery", clinicalSystem: "emis", goLiveDate: "2023-10-31" },
        role,
        memberships: [],
        developmentMail: false,
      };
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("refuses a receptionist deciding an opt-in from a patient with an active 104, whatever the form says", async () => {
    const patientId = await addPatient({ email: "ada@example.org", codes: [{ code: "104", on: "2024-01-10" }] });
    const requestId = await addRequest("RQ-ATRK-0001", "opt-in", "clinician-review", patientId);

    const review = await getRequestReview(as("reception"), requestId, NOW);
    expect(review!.decide!.outcomes).toEqual([]);
    expect(review!.decide!.refusal).toMatch(/Only a clinician/);

    const result = await takeReviewStep(as("reception"), { requestId, version: 1, step: { kind: "decide", decision: GRANT } }, NOW);
    expect(result).toEqual({ ok: false, kind: "refused", reason: expect.stringMatching(/Only a clinician/) as unknown });
    const [request] = await db.admin<{ state: string; version: number }[]>`select state, version from requests where id = ${requestId}`;
    expect(request).toEqual({ state: "clinician-review", version: 1 });
    expect(await db.admin`select 1 from decisions where request_id = ${requestId}`).toHaveLength(0);
    expect(await db.admin`select 1 from messages where request_id = ${requestId}`).toHaveLength(0);
    expect(await auditActions(requestId)).toEqual(["reception:request.viewed", "reception:request.step-refused"]);

    // Also refused from triage: it must go to a clinician first.
    const fromTriage = await addRequest("RQ-ATRK-0002", "opt-in", "triage", patientId);
    const refused = await takeReviewStep(as("reception"), { requestId: fromTriage, version: 1, step: { kind: "decide", decision: GRANT } }, NOW);
    expect(refused.ok).toBe(false);
  });

  it("takes a 104 patient's opt-in through counselling to a clinician's decision, auditing every step", async () => {
    const patientId = await addPatient({
      email: "private@example.org",
      contactIsPrivate: true,
      codes: [{ code: "104", on: "2024-01-10" }],
    });
    const requestId = await addRequest("RQ-ATRK-0003", "opt-in", "triage", patientId);
    const step = (role: StaffRole, version: number, s: Parameters<typeof takeReviewStep>[1]["step"]) =>
      takeReviewStep(as(role), { requestId, version, step: s }, NOW);

    expect(await step("reception", 1, { kind: "move", to: "clinician-review" })).toEqual({ ok: true });
    expect(await step("clinician", 2, { kind: "move", to: "counselling", counselling: { on: "2026-11-20", method: "phone" } })).toEqual({ ok: true });
    expect(await step("clinician", 3, { kind: "decide", decision: GRANT })).toEqual({ ok: true });

    const review = await getRequestReview(as("reception"), requestId, NOW);
    expect(review!.request.state).toBe("decided");
    expect(review!.counselling).toEqual({ on: "2026-11-20", method: "phone" });
    expect(review!.clinicalStep).toMatchObject({ kind: "action", phase: "after-go-live", changeAccessByHand: true });
    expect(review!.markActioned).toEqual({ ok: true });

    expect(await step("reception", 4, { kind: "mark-actioned" })).toEqual({ ok: true });
    expect(await step("reception", 5, { kind: "close" })).toEqual({ ok: true });
    const [decision] = await db.admin<{ actioned_by: string; actioned_at: Date | null; patient_told_at: Date | null }[]>`
      select actioned_by, actioned_at, patient_told_at from decisions where request_id = ${requestId}`;
    expect(decision!.actioned_by).toBe(as("reception").user.id);
    expect(decision!.actioned_at).not.toBeNull();
    expect(decision!.patient_told_at).not.toBeNull();
    expect(await auditActions(requestId)).toEqual([
      "reception:request.moved",
      "clinician:request.moved",
      "clinician:request.decided",
      "reception:request.viewed",
      "reception:request.actioned",
      "reception:request.closed",
    ]);
  });

  it("gives one decision and one clear conflict when two people decide one request at once", async () => {
    const patientId = await addPatient({ email: "grace@example.org" });
    const requestId = await addRequest("RQ-RACE-0001", "opt-out", "triage", patientId);

    const results = await Promise.all([
      takeReviewStep(as("reception"), { requestId, version: 1, step: { kind: "decide", decision: OPT_OUT_DECISION } }, NOW),
      takeReviewStep(as("clinician"), { requestId, version: 1, step: { kind: "decide", decision: OPT_OUT_DECISION } }, NOW),
    ]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const conflicts = results.filter((r) => !r.ok);
    expect(conflicts).toHaveLength(1);
    const conflict = conflicts[0]!;
    if (conflict.ok || conflict.kind !== "conflict") throw new Error(`expected a conflict, got ${JSON.stringify(conflict)}`);
    expect(conflict.theirChanges.map((c) => c.action)).toEqual(["request.decided"]);
    expect(conflict.theirChanges[0]!.actorName).toMatch(/Rita Reception|Dr Clare Clinician/);

    expect(await db.admin`select 1 from decisions where request_id = ${requestId}`).toHaveLength(1);
    const [request] = await db.admin<{ state: string; version: number }[]>`select state, version from requests where id = ${requestId}`;
    expect(request).toEqual({ state: "decided", version: 2 });
  });

  it("queues exactly one outcome email, to the email on record", async () => {
    const patientId = await addPatient({ email: "on-record@example.org" });
    const requestId = await addRequest("RQ-MAIL-0001", "opt-out", "triage", patientId);

    expect(await takeReviewStep(as("reception"), { requestId, version: 1, step: { kind: "decide", decision: OPT_OUT_DECISION } }, NOW)).toEqual({ ok: true });
    // A stale second attempt writes nothing more.
    const again = await takeReviewStep(as("reception"), { requestId, version: 1, step: { kind: "decide", decision: OPT_OUT_DECISION } }, NOW);
    expect(again).toMatchObject({ ok: false, kind: "conflict" });

    const sent = await db.admin<{ to_address: string; template_key: string; variables: Record<string, string>; patient_id: string }[]>`
      select to_address, template_key, variables, patient_id from messages where request_id = ${requestId}`;
    expect(sent).toEqual([
      {
        to_address: "on-record@example.org",
        template_key: "outcome-opt-out-recorded",
        variables: { date: "21 November 2026" },
        patient_id: patientId,
      },
    ]);
    expect(await auditActions(requestId)).toEqual(["reception:request.decided"]);
  });

  it("refuses a code that does not go with the outcome, and writes nothing but the refusal", async () => {
    const patientId = await addPatient({ email: "mismatch@example.org" });
    const requestId = await addRequest("RQ-CODE-0001", "opt-out", "triage", patientId);
    const result = await takeReviewStep(
      as("reception"),
      { requestId, version: 1, step: { kind: "decide", decision: { ...OPT_OUT_DECISION, codeToEnter: "106" } } },
      NOW,
    );
    expect(result).toMatchObject({ ok: false, kind: "refused" });
    expect(await db.admin`select 1 from decisions where request_id = ${requestId}`).toHaveLength(0);
    expect(await auditActions(requestId)).toEqual(["reception:request.step-refused"]);
  });

  it("shows an unmatched request's submissions as received, with no patient", async () => {
    const requestId = await addRequest("RQ-NOID-0001", "opt-out", "identity-check", null);
    const review = await getRequestReview(as("reception"), requestId, NOW);
    expect(review!.patient).toBeNull();
    expect(review!.submissions[0]!.answers).toEqual([["familyName", "<script>alert(1)</script>"]]);
    expect(review!.decide!.outcomes).toEqual(["rejected-unverified"]);
    expect(review!.moves).toEqual([{ to: "triage", check: { ok: false, reason: expect.stringMatching(/Confirm the patient's identity/) as unknown } }]);
  });
});

describe("the request page over HTTP", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;
  let reception: StaffClient;
  let requestId = "";

  beforeAll(async () => {
    app = await startAppUnderTest();
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    const [patient] = await admin<{ id: string; practice_id: string }[]>`
      select p.id, p.practice_id from patients p
      where p.email is not null and p.registration = 'registered' and not p.deceased
        and not exists (select 1 from coded_entries c where c.patient_id = p.id)
      order by p.nhs_number limit 1`;
    const [request] = await admin<{ id: string }[]>`
      insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
      values (${patient!.practice_id}, 'RQ-HTTP-0001', 'opt-out', 'triage', ${patient!.id}, 'full', 'online-form')
      returning id`;
    requestId = request!.id;
    await admin`
      insert into request_submissions (practice_id, request_id, answers)
      values (${patient!.practice_id}, ${requestId}, ${admin.json({
        answers: { familyName: "<script>alert(1)</script>" },
        channel: "online-form",
        shownReference: "RQ-HTTP-0001",
        identity: { match: "full", candidateIds: [], reasons: [] },
      })})`;
    const person = DEMO_STAFF.find((p) => p.role === "reception")!;
    reception = new StaffClient(app.baseUrl);
    await reception.signIn(person.email, DEMO_PASSWORD, person.totpSecret);
  });
  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  it("links the queue to the page, shows answers escaped, decides, and shows the clinical-system step", async () => {
    const queue = await (await reception.get("/staff/requests")).text();
    expect(queue).toContain(`href="/staff/requests/${requestId}"`);

    const page = await reception.get(`/staff/requests/${requestId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");

    const decided = await reception.post(`/staff/requests/${requestId}`, {
      intent: "decide",
      version: "1",
      outcome: "opt-out-recorded",
      toEnter: "103",
      accessLevel: "none",
      identityMethod: "record-match",
      notes: "Phoned to confirm",
    });
    expect(decided.status).toBe(302);
    expect(decided.headers.get("location")).toBe(`/staff/requests/${requestId}`);
    const after = await (await reception.get(`/staff/requests/${requestId}`)).text();
    expect(after).toContain("Next step in the clinical system");
    expect(after).toContain("1290331000000103");
  });

  it("tells a second person what happened and shows their entry again", async () => {
    const stale = await reception.post(`/staff/requests/${requestId}`, {
      intent: "decide",
      version: "1",
      outcome: "rejected-unverified",
      toEnter: "none",
      accessLevel: "none",
      identityMethod: "not-verified",
      notes: "My own careful note",
    });
    expect(stale.status).toBe(400);
    const html = await stale.text();
    expect(html).toContain("Someone else has just changed this request");
    expect(html).toMatch(/Rhian Reception decided the request \(Opt-out recorded\)/);
    expect(html).toContain("My own careful note");
    const [count] = await admin<{ n: number }[]>`select count(*)::int as n from decisions where request_id = ${requestId}`;
    expect(count!.n).toBe(1);
  });
});
