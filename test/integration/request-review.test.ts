import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecisionDraft } from "../../app/domain/access-decision";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { getRequestReview } from "../../app/services/request-review.server";
import { takeReviewStep } from "../../app/services/request-steps.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { addPatient, addReviewPractice, draft, placeRequest, requestReader, type ReviewPractice } from "../helpers/review-fixtures";
import { StaffClient } from "../helpers/staff-http";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const NOW = new Date("2026-11-21T12:00:00Z");
const RECEIVED = new Date("2026-11-18T10:00:00Z");

const OPT_OUT_DECISION: DecisionDraft = draft("opt-out-recorded");

const GRANT: DecisionDraft = draft("granted", {
  identityMethod: "known-to-staff",
  notes: "Discussed by phone; happy to proceed.",
  counselling: { on: "2026-11-20", method: "phone", heldBy: "Dr Clare Clinician", note: "Talked through what the record shows." },
});

describe("reviewing a request", () => {
  let db: TestDatabase;
  let practice: ReviewPractice;
  let read: ReturnType<typeof requestReader>;
  const as = (role: Parameters<ReviewPractice["as"]>[0]) => practice.as(role);
  const addRequest = (reference: string, kind: "opt-out" | "opt-in", state: "identity-check" | "triage" | "clinician-review", patientId: string | null) =>
    placeRequest(practice.id, { reference, kind, state, patientId, receivedAt: RECEIVED, answers: { familyName: "<script>alert(1)</script>" } });

  beforeAll(async () => {
    db = await createTestDatabase();
    practice = await addReviewPractice("R10001", "Review Road Surgery");
    read = requestReader(db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("refuses a receptionist deciding an opt-in from a patient with an active 104, whatever the form says", async () => {
    const patient = await addPatient(practice.id, { email: "ada@example.org", codes: [{ code: "104", on: "2024-01-10" }] });
    const requestId = await addRequest("RQ-ATRK-0001", "opt-in", "clinician-review", patient.id);

    const review = await getRequestReview(as("reception"), requestId, NOW);
    expect(review!.decide!.choices).toEqual([]);
    expect(review!.decide!.refusal).toMatch(/Only a clinician/);

    const result = await takeReviewStep(as("reception"), { requestId, version: 1, step: { kind: "decide", draft: GRANT } }, NOW);
    expect(result).toEqual({ ok: false, kind: "refused", reason: expect.stringMatching(/Only a clinician/) as unknown });
    expect(await read.request(requestId)).toMatchObject({ state: "clinician-review", version: 1 });
    expect(await read.decisions(requestId)).toHaveLength(0);
    expect(await read.messages(requestId)).toHaveLength(0);
    expect(await read.auditActions(requestId)).toEqual(["reception:request.viewed", "reception:request.step-refused"]);

    // Also refused from triage: it must go to a clinician first.
    const fromTriage = await addRequest("RQ-ATRK-0002", "opt-in", "triage", patient.id);
    const refused = await takeReviewStep(as("reception"), { requestId: fromTriage, version: 1, step: { kind: "decide", draft: GRANT } }, NOW);
    expect(refused).toMatchObject({ ok: false, kind: "refused" });
    expect(await read.decisions(fromTriage)).toHaveLength(0);
  });

  it("takes a 104 patient's opt-in through counselling to a clinician's decision, auditing every step", async () => {
    const patient = await addPatient(practice.id, { email: "private@example.org", contactIsPrivate: true, codes: [{ code: "104", on: "2024-01-10" }] });
    const requestId = await addRequest("RQ-ATRK-0003", "opt-in", "triage", patient.id);
    const step = (role: "reception" | "clinician", version: number, s: Parameters<typeof takeReviewStep>[1]["step"]) =>
      takeReviewStep(as(role), { requestId, version, step: s }, NOW);

    expect(await step("reception", 1, { kind: "move", to: "clinician-review" })).toEqual({ ok: true });
    expect(await step("clinician", 2, { kind: "move", to: "counselling", counselling: { on: "2026-11-20", method: "phone" } })).toEqual({ ok: true });
    expect(await step("clinician", 3, { kind: "decide", draft: GRANT })).toEqual({ ok: true });

    const review = await getRequestReview(as("reception"), requestId, NOW);
    expect(review!.request).toMatchObject({ state: "decided", hadActive104: true });
    expect(review!.counselling).toEqual({ on: "2026-11-20", method: "phone" });
    expect(review!.current!.decision).toMatchObject({ outcome: "granted", codeToEnter: "106", accessLevel: "prospective-record", counsellingHeldBy: "Dr Clare Clinician" });
    expect(review!.current!.clinicalStep).toMatchObject({ kind: "action", phase: "after-go-live", changeAccessByHand: true });
    expect(review!.current!.told).toEqual({ state: "not-yet", messageId: null });
    expect(review!.markActioned).toEqual({ ok: true });

    expect(await step("reception", 4, { kind: "mark-actioned" })).toEqual({ ok: true });
    expect(await read.outcomeMessages(requestId)).toMatchObject([{ template_key: "outcome-access-granted", channel: "email", to_address: "private@example.org" }]);
    expect(await step("reception", 5, { kind: "close" })).toEqual({ ok: true });
    const [decision] = await db.admin<{ actioned_by: string; actioned_at: Date | null; patient_told_at: Date | null }[]>`
      select actioned_by, actioned_at, patient_told_at from decisions where request_id = ${requestId}`;
    expect(decision!.actioned_by).toBe(as("reception").user.id);
    expect(decision!.actioned_at).not.toBeNull();
    expect(decision!.patient_told_at).not.toBeNull();
    expect(await read.auditActions(requestId)).toEqual([
      "reception:request.moved",
      "clinician:request.moved",
      "clinician:request.decided",
      "reception:request.viewed",
      "reception:request.actioned",
      "reception:request.closed",
    ]);
  });

  it("gives one decision and one clear conflict when two people decide one request at once", async () => {
    const patient = await addPatient(practice.id, { email: "grace@example.org" });
    const requestId = await addRequest("RQ-RACE-0001", "opt-out", "triage", patient.id);

    const results = await Promise.all([
      takeReviewStep(as("reception"), { requestId, version: 1, step: { kind: "decide", draft: OPT_OUT_DECISION } }, NOW),
      takeReviewStep(as("clinician"), { requestId, version: 1, step: { kind: "decide", draft: OPT_OUT_DECISION } }, NOW),
    ]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const conflicts = results.filter((r) => !r.ok);
    expect(conflicts).toHaveLength(1);
    const conflict = conflicts[0]!;
    if (conflict.ok || conflict.kind !== "conflict") throw new Error(`expected a conflict, got ${JSON.stringify(conflict)}`);
    expect(conflict.theirChanges.map((c) => c.action)).toEqual(["request.decided"]);
    expect(conflict.theirChanges[0]!.actorName).toMatch(/Rita Reception|Dr Clare Clinician/);

    expect(await read.decisions(requestId)).toHaveLength(1);
    expect(await read.request(requestId)).toMatchObject({ state: "decided", version: 2 });
  });

  it("queues exactly one outcome email, to the email on record, once the opt-out is done in the clinical system", async () => {
    const patient = await addPatient(practice.id, { email: "on-record@example.org" });
    const requestId = await addRequest("RQ-MAIL-0001", "opt-out", "triage", patient.id);

    expect(await takeReviewStep(as("reception"), { requestId, version: 1, step: { kind: "decide", draft: OPT_OUT_DECISION } }, NOW)).toEqual({ ok: true });
    expect(await read.messages(requestId)).toEqual([]);
    expect(await takeReviewStep(as("reception"), { requestId, version: 2, step: { kind: "mark-actioned" } }, NOW)).toEqual({ ok: true });
    // A stale second attempt writes nothing more.
    const again = await takeReviewStep(as("reception"), { requestId, version: 2, step: { kind: "mark-actioned" } }, NOW);
    expect(again).toMatchObject({ ok: false, kind: "conflict" });

    const sent = await db.admin<{ to_address: string; template_key: string; variables: Record<string, string>; patient_id: string }[]>`
      select to_address, template_key, variables, patient_id from messages where request_id = ${requestId}`;
    expect(sent).toEqual([
      {
        to_address: "on-record@example.org",
        template_key: "outcome-opt-out-recorded",
        variables: { date: "21 November 2026" },
        patient_id: patient.id,
      },
    ]);
    expect(await read.auditActions(requestId)).toEqual(["reception:request.decided", "reception:request.actioned"]);
  });

  it("refuses an outcome that does not go with the request's kind, and writes nothing but the refusal", async () => {
    const patient = await addPatient(practice.id, { email: "mismatch@example.org" });
    const requestId = await addRequest("RQ-CODE-0001", "opt-out", "triage", patient.id);
    const result = await takeReviewStep(as("clinician"), { requestId, version: 1, step: { kind: "decide", draft: GRANT } }, NOW);
    expect(result).toEqual({ ok: false, kind: "refused", reason: expect.stringMatching(/does not apply to an opt-out request/) as unknown });
    expect(await read.decisions(requestId)).toHaveLength(0);
    expect(await read.request(requestId)).toMatchObject({ state: "triage", version: 1 });
    expect(await read.auditActions(requestId)).toEqual(["clinician:request.step-refused"]);
  });

  it("shows an unmatched request's submissions as received, with no patient", async () => {
    const requestId = await addRequest("RQ-NOID-0001", "opt-out", "identity-check", null);
    const review = await getRequestReview(as("reception"), requestId, NOW);
    expect(review!.patient).toBeNull();
    expect(review!.submissions[0]!.answers).toEqual({ familyName: "<script>alert(1)</script>" });
    expect(review!.decide!.choices.map((c) => c.outcome)).toEqual(["rejected-unverified"]);
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
