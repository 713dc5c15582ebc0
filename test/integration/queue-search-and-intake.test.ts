import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerRows } from "../../app/content/request-answers";
import { requestsContent } from "../../app/content/requests";
import { newRequestContent } from "../../app/content/review-queue";
import { staffEntryContent } from "../../app/content/staff-request-entry";
import { ukLocalDay } from "../../app/domain/calendar";
import { isValidNhsNumber } from "../../app/domain/nhs-number";
import type { StaffRole } from "../../app/domain/roles";
import { DEMO_PASSWORD, DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { submitPatientRequest } from "../../app/services/patient-requests.server";
import { findPatients } from "../../app/services/patient-search.server";
import { addPractice } from "../../app/services/practices.server";
import { getRequestReview } from "../../app/services/request-review.server";
import { assignRequest, takeReviewStep } from "../../app/services/request-steps.server";
import { openRequestQueue } from "../../app/services/review-queue.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { enterRequestForPatient, getPatientForStaffRequest } from "../../app/services/staff-requests.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { StaffClient } from "../helpers/staff-http";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

// Issue 7, points 1 to 3: finding requests on the queue (filters and an
// audited search), linking an unmatched request to the right patient, and
// requests staff take by phone, on paper or at the desk.

const NOW = new Date("2026-11-21T12:00:00Z");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

describe("finding, linking and entering requests", () => {
  let db: TestDatabase;
  let practiceId = "";
  let otherPracticeId = "";
  const staff: Partial<Record<StaffRole, StaffContext>> = {};
  const as = (role: StaffRole) => staff[role]!;
  let zoe = ""; // Zoë O'Brien-Smith, email on record
  let zoeTwin = ""; // same surname and date of birth, different postcode
  let atRisk = ""; // active 104, contact not private
  let departed = ""; // deregistered
  let otherPracticePatient = "";

  async function addPatient(
    practice: string,
    fields: { nhs: string; given: string; family: string; dob: string; postcode?: string; email?: string; registration?: string; deceased?: boolean },
  ) {
    const [row] = await db.admin<{ id: string }[]>`
      insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, postcode, email, registration, deceased)
      values (${practice}, ${fields.nhs}, ${fields.given}, ${fields.family}, ${fields.dob}, ${fields.postcode ?? null},
              ${fields.email ?? null}, ${fields.registration ?? "registered"}, ${fields.deceased ?? false})
      returning id`;
    return row!.id;
  }

  async function addRequest(fields: { reference: string; kind?: string; state?: string; patientId?: string | null; receivedAt: Date; typed?: Record<string, string>; shownReference?: string }) {
    const [row] = await db.admin<{ id: string }[]>`
      insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel, received_at)
      values (${practiceId}, ${fields.reference}, ${fields.kind ?? "opt-out"}, ${fields.state ?? "triage"}, ${fields.patientId ?? null},
              ${fields.patientId ? "full" : "none"}, 'online-form', ${fields.receivedAt.toISOString()}::timestamptz)
      returning id`;
    await db.admin`
      insert into request_submissions (practice_id, request_id, answers)
      values (${practiceId}, ${row!.id}, ${db.admin.json({
        answers: fields.typed ?? {},
        channel: "online-form",
        shownReference: fields.shownReference ?? fields.reference,
        identity: { match: fields.patientId ? "full" : "none", candidateIds: [], reasons: [] },
      })})`;
    return row!.id;
  }

  async function auditOf(action: string) {
    return db.admin<{ actor_id: string | null; actor_role: string; subject_id: string | null; summary: Record<string, unknown> }[]>`
      select actor_id, actor_role, subject_id, summary from audit_events where action = ${action} order by id`;
  }

  async function emailsTo(address: string) {
    return db.admin<{ template_key: string }[]>`select template_key from messages where to_address = ${address} order by created_at`;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const a = await addPractice({ odsCode: "S10001", name: "Search Street Surgery", clinicalSystem: "emis" });
    const b = await addPractice({ odsCode: "S20002", name: "Elsewhere Practice", clinicalSystem: "tpp" });
    if (!a.ok || !b.ok) throw new Error("could not add the practices");
    practiceId = a.practice.id;
    otherPracticeId = b.practice.id;
    for (const [role, name, practice] of [
      ["reception", "Rita Reception", practiceId],
      ["clinician", "Dr Clare Clinician", practiceId],
      ["manager", "Mo Other-Practice", otherPracticeId],
    ] as const) {
      const [user] = await db.admin<{ id: string }[]>`
        insert into staff_users (email, name, status) values (${`${role}@example.org`}, ${name}, 'active') returning id`;
      await db.admin`insert into staff_memberships (staff_user_id, practice_id, role) values (${user!.id}, ${practice}, ${role})`;
      staff[role] = {
        sessionTokenHash: "unused",
        user: { id: user!.id, name, email: `${role}@example.org` },
        practice: { id: practice, odsCode: practice === practiceId ? "S10001" : "S20002", name: "Search Street Surgery", clinicalSystem: "emis", goLiveDate: null },
        role,
        memberships: [],
        developmentMail: false,
      };
    }
    zoe = await addPatient(practiceId, { nhs: "9434765919", given: "Zoë", family: "O'Brien-Smith", dob: "1984-03-15", postcode: "LS1 4AP", email: "zoe@example.org" });
    zoeTwin = await addPatient(practiceId, { nhs: "9434765870", given: "Zak", family: "OBrien-Smith", dob: "1984-03-15", postcode: "M1 1AA" });
    atRisk = await addPatient(practiceId, { nhs: "9434765862", given: "Pat", family: "Quiet", dob: "1990-06-01", email: "shared@example.org" });
    await db.admin`insert into coded_entries (practice_id, patient_id, code, recorded_on, source) values (${practiceId}, ${atRisk}, '104', '2024-01-10', 'seed')`;
    departed = await addPatient(practiceId, { nhs: "9434765854", given: "Dee", family: "Parted", dob: "1950-01-01", registration: "deregistered" });
    otherPracticePatient = await addPatient(otherPracticeId, { nhs: "9434765846", given: "Zoë", family: "Smith", dob: "1984-03-15" });
  });
  afterAll(async () => {
    await db?.drop();
  });

  describe("the queue's filters and search", () => {
    let old = "";
    let typedOnly = "";
    let closed = "";
    beforeAll(async () => {
      old = await addRequest({ reference: "RQ-AAAA-2222", patientId: zoe, receivedAt: daysAgo(30) });
      typedOnly = await addRequest({
        reference: "RQ-AAAA-3333",
        state: "identity-check",
        receivedAt: daysAgo(3),
        typed: { givenName: "Zoe", familyName: "Obrien Smith", nhsNumber: "943 476 5919", dateOfBirthDay: "15", dateOfBirthMonth: "3", dateOfBirthYear: "1984" },
        shownReference: "RQ-BBBB-9999",
      });
      closed = await addRequest({ reference: "RQ-AAAA-4444", state: "closed", patientId: zoe, receivedAt: daysAgo(60) });
      await addRequest({ reference: "RQ-AAAA-5555", patientId: zoeTwin, receivedAt: daysAgo(1) });
    });

    it("filters by age: more than N days, and more than the practice's target", async () => {
      const refs = async (waiting: "2" | "7" | "target" | "28") =>
        (await openRequestQueue(as("reception"), { waiting }, NOW)).items.map((i) => i.reference);
      expect(await refs("2")).toEqual(["RQ-AAAA-2222", "RQ-AAAA-3333"]);
      expect(await refs("7")).toEqual(["RQ-AAAA-2222"]);
      expect(await refs("target")).toEqual(["RQ-AAAA-2222"]);
      expect(await refs("28")).toEqual(["RQ-AAAA-2222"]);
    });

    it("filters by who a request is assigned to, after staff assign it; the assignment is audited", async () => {
      expect(await assignRequest(as("reception"), { requestId: old, assignTo: as("clinician").user.id })).toEqual({ ok: true });
      expect(await assignRequest(as("reception"), { requestId: typedOnly, assignTo: as("reception").user.id })).toEqual({ ok: true });
      const byFilter = async (assigned: string) => (await openRequestQueue(as("reception"), { assigned }, NOW)).items.map((i) => i.reference);
      expect(await byFilter("me")).toEqual(["RQ-AAAA-3333"]);
      expect(await byFilter(as("clinician").user.id)).toEqual(["RQ-AAAA-2222"]);
      expect(await byFilter("none")).toEqual(["RQ-AAAA-5555"]);
      const queue = await openRequestQueue(as("reception"), {}, NOW);
      expect(queue.items.find((i) => i.reference === "RQ-AAAA-2222")!.assignedTo).toBe("Dr Clare Clinician");
      expect(queue.staff.map((m) => m.name)).toEqual(["Dr Clare Clinician", "Rita Reception"]);
      const audit = await auditOf("request.assigned");
      expect(audit[0]).toMatchObject({ actor_id: as("reception").user.id, subject_id: old, summary: { to: as("clinician").user.id, toName: "Dr Clare Clinician" } });
    });

    it("refuses to assign a request to someone from another practice, or a closed request", async () => {
      expect(await assignRequest(as("reception"), { requestId: old, assignTo: as("manager").user.id })).toMatchObject({ ok: false, kind: "refused" });
      expect(await assignRequest(as("reception"), { requestId: closed, assignTo: null })).toMatchObject({ ok: false, kind: "refused" });
      expect(await assignRequest(as("manager"), { requestId: old, assignTo: null })).toEqual({ ok: false, kind: "not-found" });
    });

    it("finds requests by NHS number, on the record or as typed, including closed ones", async () => {
      const queue = await openRequestQueue(as("reception"), { q: "943 476 5919" }, NOW);
      expect(queue.items.map((i) => i.reference)).toEqual(["RQ-AAAA-4444", "RQ-AAAA-2222", "RQ-AAAA-3333"]);
      expect(queue.matching).toBe(3);
    });

    it("finds requests by name however it is written: accents, apostrophes, either half of a double-barrelled name", async () => {
      for (const q of ["zoe o'brien", "Zoë Smith", "ZOE OBRIEN", "smith zoe 15/03/1984"]) {
        const refs = (await openRequestQueue(as("reception"), { q }, NOW)).items.map((i) => i.reference);
        expect(refs, q).toEqual(["RQ-AAAA-4444", "RQ-AAAA-2222", "RQ-AAAA-3333"]);
      }
      expect((await openRequestQueue(as("reception"), { q: "smith 16/03/1984" }, NOW)).items).toEqual([]);
      // "OBrien" starts both Zoë's and Zak's family names.
      expect((await openRequestQueue(as("reception"), { q: "obrien" }, NOW)).items.map((i) => i.reference)).toContain("RQ-AAAA-5555");
      expect((await openRequestQueue(as("reception"), { q: "%" }, NOW)).searchProblem).toBe("no-name");
    });

    it("finds a request by its reference, or by the reference its sender was shown", async () => {
      expect((await openRequestQueue(as("reception"), { q: "rq-aaaa-5555" }, NOW)).items.map((i) => i.reference)).toEqual(["RQ-AAAA-5555"]);
      expect((await openRequestQueue(as("reception"), { q: "RQ-BBBB-9999" }, NOW)).items.map((i) => i.reference)).toEqual(["RQ-AAAA-3333"]);
    });

    it("audits every search, and never finds another practice's requests", async () => {
      const before = (await auditOf("requests.searched")).length;
      const other = await openRequestQueue(as("manager"), { q: "Zoe" }, NOW);
      expect(other.items).toEqual([]);
      const audit = await auditOf("requests.searched");
      expect(audit.length).toBe(before + 1);
      expect(audit.at(-1)).toMatchObject({ actor_id: as("manager").user.id, summary: { search: { kind: "name", words: ["zoe"] }, found: 0 } });
    });
  });

  describe("linking an unmatched request", () => {
    let partial = "";
    beforeAll(async () => {
      // Zoë gives an old postcode: a partial match, to her and to Zak (same surname and birthday).
      await submitPatientRequest({
        odsCode: "S10001",
        kind: "opt-in",
        claim: { givenName: "Zoe", familyName: "O'Brien-Smith", dateOfBirth: "1984-03-15", postcode: "LS2 9JT", nhsNumber: null, email: "typed@elsewhere.example", mobile: null },
        answers: { givenName: "Zoe", familyName: "O'Brien-Smith", dateOfBirthDay: "15", dateOfBirthMonth: "3", dateOfBirthYear: "1984", postcode: "LS2 9JT", nhsNumber: "", email: "typed@elsewhere.example", mobile: "" },
        clientAddress: "192.0.2.1",
        now: NOW,
      });
      const [row] = await db.admin<{ id: string }[]>`select id from requests where kind = 'opt-in' and patient_id is null`;
      partial = row!.id;
    });

    it("shows what the sender gave, the patients who share some of it, and field by field what differs", async () => {
      const review = (await getRequestReview(as("reception"), partial, NOW))!;
      expect(review.linking!.claim).toMatchObject({ familyName: "O'Brien-Smith", dateOfBirth: "1984-03-15", postcode: "LS2 9JT" });
      const byName = Object.fromEntries(review.linking!.candidates.map((c) => [c.name, c.comparison]));
      expect(Object.keys(byName).sort()).toEqual(["Zak OBrien-Smith", "Zoë O'Brien-Smith"]);
      expect(byName["Zoë O'Brien-Smith"]).toEqual({ nhsNumber: "not-given", dateOfBirth: "agrees", familyName: "agrees", postcode: "differs" });
      expect(review.linking!.check).toEqual({ ok: true });
    });

    it("searches the list for the patient, audited, within the practice only", async () => {
      const review = (await getRequestReview(as("reception"), partial, NOW, { find: "zoe 15/03/1984" }))!;
      expect(review.linking!.candidates.map((c) => c.nhsNumber)).toEqual(["9434765919"]);
      const [audit] = (await auditOf("patients.searched")).slice(-1);
      expect(audit).toMatchObject({ subject_id: partial, summary: { purpose: "link-request", found: 1 } });
    });

    it("refuses to link a deregistered patient, or a patient of another practice", async () => {
      for (const patientId of [departed, otherPracticePatient]) {
        const result = await takeReviewStep(as("reception"), { requestId: partial, version: 1, step: { kind: "link", patientId } }, NOW);
        expect(result).toMatchObject({ ok: false, kind: "refused" });
      }
      const [row] = await db.admin<{ patient_id: string | null; state: string }[]>`select patient_id, state from requests where id = ${partial}`;
      expect(row).toEqual({ patient_id: null, state: "identity-check" });
    });

    it("links the patient staff chose, moves the request to triage, audits it and tells the patient on the address on record", async () => {
      const result = await takeReviewStep(as("reception"), { requestId: partial, version: 1, step: { kind: "link", patientId: zoe } }, NOW);
      expect(result).toEqual({ ok: true });
      const [row] = await db.admin<{ patient_id: string; state: string; version: number }[]>`select patient_id, state, version from requests where id = ${partial}`;
      expect(row).toEqual({ patient_id: zoe, state: "triage", version: 2 });
      const [audit] = (await auditOf("request.linked")).slice(-1);
      expect(audit).toMatchObject({ actor_id: as("reception").user.id, subject_id: partial, summary: { patientId: zoe, comparison: { postcode: "differs" } } });
      expect(await emailsTo("zoe@example.org")).toEqual([{ template_key: "request-received" }]);
      expect(await emailsTo("typed@elsewhere.example")).toEqual([]);
    });

    it("tells a second member of staff linking from the same page that someone got there first", async () => {
      const result = await takeReviewStep(as("clinician"), { requestId: partial, version: 1, step: { kind: "link", patientId: zoeTwin } }, NOW);
      expect(result).toMatchObject({ ok: false, kind: "conflict" });
      const [row] = await db.admin<{ patient_id: string }[]>`select patient_id from requests where id = ${partial}`;
      expect(row!.patient_id).toBe(zoe);
    });
  });

  describe("requests staff take by phone, on paper or at the desk", () => {
    it("finds the patient by name, audited as a search for entering a request", async () => {
      const found = await findPatients(as("reception"), "Parted", "enter-request");
      expect(found).toMatchObject({ ok: true, patients: [{ id: departed, standing: "deregistered" }] });
      expect((await auditOf("patients.searched")).at(-1)).toMatchObject({ summary: { purpose: "enter-request", found: 1 } });
      expect(await findPatients(as("reception"), "RQ-AAAA-2222", "enter-request")).toEqual({ ok: false, problem: "reference" });
    });

    it("records how it came in, who took it and when, and sends it to triage with the patient linked", async () => {
      const result = await enterRequestForPatient(
        as("clinician"),
        { patientId: zoeTwin, kind: "opt-in", channel: "paper", takenBy: as("reception").user.id, receivedOn: "2026-11-18", identityCheck: "photo-id", notes: "Handed in a form" },
        NOW,
      );
      expect(result).toMatchObject({ ok: true, joined: false });
      if (!result.ok) return;
      const [row] = await db.admin<{ state: string; channel: string; entered_by: string; patient_id: string; identity_match: string; received_at: string }[]>`
        select state, channel, entered_by, patient_id, identity_match, received_at::text from requests where id = ${result.requestId}`;
      expect(row).toMatchObject({ state: "triage", channel: "paper", entered_by: as("reception").user.id, patient_id: zoeTwin, identity_match: "full" });
      expect(new Date(row!.received_at).toISOString()).toBe("2026-11-18T12:00:00.000Z");
      const review = (await getRequestReview(as("reception"), result.requestId, NOW))!;
      expect(review.submissions[0]).toMatchObject({ channel: "paper", takenBy: "Rita Reception", enteredBy: "Dr Clare Clinician" });
      expect(review.submissions[0]!.answers).toEqual({ identityCheck: "photo-id", notes: "Handed in a form" });
      expect((await auditOf("request.received")).at(-1)).toMatchObject({ actor_id: as("clinician").user.id, actor_role: "clinician", subject_id: result.requestId, summary: { channel: "paper", takenBy: as("reception").user.id } });
      // It follows the same workflow: waiting 3 days on the queue.
      const item = (await openRequestQueue(as("reception"), {}, NOW)).items.find((i) => i.id === result.requestId);
      expect(item).toMatchObject({ waitingDays: 3, channel: "paper" });
    });

    it("adds a second request of the same kind to the patient's open one", async () => {
      const first = await enterRequestForPatient(as("reception"), { patientId: atRisk, kind: "opt-out", channel: "phone", takenBy: as("reception").user.id, receivedOn: "2026-11-21", identityCheck: "record-match", notes: null }, NOW);
      const second = await enterRequestForPatient(as("reception"), { patientId: atRisk, kind: "opt-out", channel: "in-person", takenBy: as("reception").user.id, receivedOn: "2026-11-21", identityCheck: "known-to-staff", notes: null }, NOW);
      expect(first).toMatchObject({ ok: true, joined: false });
      expect(second).toMatchObject({ ok: true, joined: true, requestId: first.ok ? first.requestId : "" });
    });

    it("never emails a patient with an active 104 whose contact is not private to them", async () => {
      expect(await emailsTo("shared@example.org")).toEqual([]);
    });

    it("refuses a date in the future or months ago, a deregistered patient, another practice's patient, or a taker from elsewhere", async () => {
      const base = { patientId: zoe, kind: "opt-out" as const, channel: "phone" as const, takenBy: as("reception").user.id, receivedOn: "2026-11-21", identityCheck: "record-match" as const, notes: null };
      expect(await enterRequestForPatient(as("reception"), { ...base, receivedOn: "2026-11-22" }, NOW)).toMatchObject({ ok: false, field: "receivedOn" });
      expect(await enterRequestForPatient(as("reception"), { ...base, receivedOn: "2026-08-01" }, NOW)).toMatchObject({ ok: false, field: "receivedOn" });
      expect(await enterRequestForPatient(as("reception"), { ...base, patientId: departed }, NOW)).toMatchObject({ ok: false, field: "patientId" });
      expect(await enterRequestForPatient(as("reception"), { ...base, patientId: otherPracticePatient }, NOW)).toMatchObject({ ok: false, field: "patientId" });
      expect(await enterRequestForPatient(as("reception"), { ...base, takenBy: as("manager").user.id }, NOW)).toMatchObject({ ok: false, field: "takenBy" });
      const [count] = await db.admin<{ n: number }[]>`select count(*)::int as n from requests where patient_id = ${zoe} and kind = 'opt-out' and state <> 'closed'`;
      expect(count!.n).toBe(1); // only RQ-AAAA-2222 from the queue tests
    });

    it("refuses a patient under 16 on the day, naming them, their age and the clinical system's own route, and records nothing", async () => {
      const amelia = await addPatient(practiceId, { nhs: "9434765803", given: "Amelia", family: "Jones", dob: "2020-03-03", email: "amelia.parent@example.org" });
      const sam = await addPatient(practiceId, { nhs: "9434765781", given: "Sam", family: "Young", dob: "2010-11-22" });
      const counts = async () =>
        (await db.admin<{ requests: number; submissions: number; audit: number; messages: number }[]>`
          select (select count(*)::int from requests) as requests, (select count(*)::int from request_submissions) as submissions,
                 (select count(*)::int from audit_events) as audit, (select count(*)::int from messages) as messages`)[0];
      const before = await counts();
      const entry = {
        kind: "opt-in" as const,
        channel: "phone" as const,
        takenBy: as("reception").user.id,
        receivedOn: "2026-11-21",
        identityCheck: "known-to-staff" as const,
        safeContact: { contactWay: "phone" as const, contactPhone: "+441134960000", contactTime: "Mornings" },
        notes: "Her mother rang",
      };
      expect(await enterRequestForPatient(as("reception"), { ...entry, patientId: amelia }, NOW)).toEqual({
        ok: false,
        field: "patientId",
        reason: "Amelia Jones is 6: this service is for patients aged 16 and over. Access for under-16s and proxy access are handled in EMIS Web, not here.",
      });
      // The day before their 16th birthday, and any kind of request.
      const samRefused = await enterRequestForPatient(as("reception"), { ...entry, patientId: sam, kind: "opt-out", safeContact: null, notes: null }, NOW);
      expect(samRefused).toMatchObject({ ok: false, field: "patientId", reason: expect.stringMatching(/^Sam Young is 15: this service is for patients aged 16 and over\./) });
      expect(await counts()).toEqual(before);
      // Staff are told before they type, on the form for the patient.
      expect((await getPatientForStaffRequest(as("reception"), amelia, NOW))!.outsideProgramme).toBe(staffEntryContent.underProgrammeAge("Amelia Jones", 6, "emis"));
    });

    it("takes a request for a patient on their 16th birthday", async () => {
      const kit = await addPatient(practiceId, { nhs: "9434765773", given: "Kit", family: "Birthday", dob: "2010-11-21" });
      expect((await getPatientForStaffRequest(as("reception"), kit, NOW))!.outsideProgramme).toBeNull();
      const result = await enterRequestForPatient(
        as("reception"),
        { patientId: kit, kind: "opt-out", channel: "in-person", takenBy: as("reception").user.id, receivedOn: "2026-11-21", identityCheck: "photo-id", notes: null },
        NOW,
      );
      expect(result).toMatchObject({ ok: true, joined: false });
      const [row] = await db.admin<{ patient_id: string; state: string }[]>`select patient_id, state from requests where id = ${result.ok ? result.requestId : ""}`;
      expect(row).toEqual({ patient_id: kit, state: "triage" });
    });

    it("keeps an opt-in's safe contact (the number in E.164) and shows it to staff under the online form's questions", async () => {
      const rae = await addPatient(practiceId, { nhs: "9434765765", given: "Rae", family: "Caller", dob: "1975-05-05" });
      const result = await enterRequestForPatient(
        as("reception"),
        {
          patientId: rae,
          kind: "opt-in",
          channel: "phone",
          takenBy: as("reception").user.id,
          receivedOn: "2026-11-21",
          identityCheck: "record-match",
          safeContact: { contactWay: "phone", contactPhone: "+447700900123", contactTime: "After 6pm" },
          notes: null,
        },
        NOW,
      );
      expect(result).toMatchObject({ ok: true });
      const review = (await getRequestReview(as("reception"), result.ok ? result.requestId : "", NOW))!;
      const answers = review.submissions[0]!.answers;
      expect(answers).toEqual({ identityCheck: "record-match", contactWay: "phone", contactPhone: "+447700900123", contactTime: "After 6pm" });
      const optIn = requestsContent.questions["opt-in"];
      expect(answerRows(answers)).toEqual([
        { question: newRequestContent.identityLegend, answer: newRequestContent.identityCheckNames["record-match"] },
        { question: optIn.contactWay, answer: "Phone" },
        { question: optIn.contactPhone, answer: "07700 900123" },
        { question: optIn.contactTime, answer: "After 6pm" },
      ]);
      // Only an opt-in keeps a safe contact.
      const optOut = await enterRequestForPatient(
        as("reception"),
        { patientId: rae, kind: "opt-out", channel: "phone", takenBy: as("reception").user.id, receivedOn: "2026-11-21", identityCheck: "record-match", safeContact: { contactWay: "letter", contactTime: "Any" }, notes: null },
        NOW,
      );
      const optOutReview = (await getRequestReview(as("reception"), optOut.ok ? optOut.requestId : "", NOW))!;
      expect(optOutReview.submissions[0]!.answers).toEqual({ identityCheck: "record-match" });
    });
  });
});

describe("the staff form for entering a request, over HTTP", () => {
  const reception = DEMO_STAFF.find((p) => p.role === "reception")!;
  let app: AppUnderTest;
  let admin: postgres.Sql;
  let client: StaffClient;
  let practiceId = "";
  let receptionId = "";
  let today = "";
  const child = { id: "", nhs: "", dob: "" };
  const sixteen = { id: "", nhs: "", dob: "" };

  async function unusedNhsNumber(): Promise<string> {
    for (let stem = 943476570; ; stem -= 1) {
      for (let check = 0; check < 10; check += 1) {
        const nhs = `${stem}${check}`;
        if (!isValidNhsNumber(nhs)) continue;
        const [used] = await admin<{ n: number }[]>`select count(*)::int as n from patients where nhs_number = ${nhs}`;
        if (used!.n === 0) return nhs;
      }
    }
  }

  async function addPatient(given: string, family: string, dob: string) {
    const nhs = await unusedNhsNumber();
    const [row] = await admin<{ id: string }[]>`
      insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, postcode)
      values (${practiceId}, ${nhs}, ${given}, ${family}, ${dob}, 'LS1 4AP') returning id`;
    return { id: row!.id, nhs, dob };
  }

  const form = (patientId: string, extra: Record<string, string>) => ({
    patientId,
    kind: "opt-in",
    channel: "phone",
    takenBy: receptionId,
    receivedOnDay: String(Number(today.slice(8, 10))),
    receivedOnMonth: String(Number(today.slice(5, 7))),
    receivedOnYear: today.slice(0, 4),
    identityCheck: "known-to-staff",
    ...extra,
  });
  const requestsFor = async (patientId: string) => (await admin<{ n: number }[]>`select count(*)::int as n from requests where patient_id = ${patientId}`)[0]!.n;

  beforeAll(async () => {
    app = await startAppUnderTest({ env: { WORKER: "false" } });
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    client = new StaffClient(app.baseUrl);
    await client.signIn(reception.email, DEMO_PASSWORD, reception.totpSecret);
    practiceId = (await admin<{ id: string }[]>`select id from practices where ods_code = ${DEMO_PRACTICE.odsCode}`)[0]!.id;
    receptionId = (await admin<{ id: string }[]>`select id from staff_users where email = ${reception.email}`)[0]!.id;
    // The UK day, as the server works ages out.
    today = ukLocalDay(new Date());
    const [year, month, day] = today.split("-").map(Number) as [number, number, number];
    const iso = (y: number, d: number) => `${y}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    Object.assign(child, await addPatient("Amelia", "Jones", iso(year - 6, Math.min(day, 28))));
    Object.assign(sixteen, await addPatient("Kit", "Birthday", iso(year - 16, day)));
  });

  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  it("shows each patient's age beside their date of birth: in the search, on the form and on the patient's page", async () => {
    const search = await (await client.get(`/staff/requests/new?find=${child.nhs}`)).text();
    expect(search).toMatch(/ \(age 6\)</);
    const entry = await (await client.get(`/staff/requests/new?patient=${child.id}`)).text();
    expect(entry).toMatch(/ \(age 6\)</);
    // Staff are told before they type that nothing can be entered here for a child.
    expect(entry).toContain("Amelia Jones is 6: this service is for patients aged 16 and over.");
    const record = await (await client.get(`/staff/patients?nhsNumber=${child.nhs}`)).text();
    expect(record).toMatch(/ \(age 6\)</);
    const birthday = await (await client.get(`/staff/requests/new?patient=${sixteen.id}`)).text();
    expect(birthday).toMatch(/ \(age 16\)</);
    expect(birthday).not.toContain("this service is for patients aged 16 and over");
  });

  it("refuses a request for a 6-year-old with the right route, keeps what staff typed and records nothing", async () => {
    // The form posts to its own address, the patient's id and all.
    const response = await client.post(
      `/staff/requests/new?patient=${child.id}`,
      form(child.id, { contactWay: "phone", contactPhone: "0113 496 0000", contactTime: "Mornings", notes: "Her mother rang" }),
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    const message = "Amelia Jones is 6: this service is for patients aged 16 and over. Access for under-16s and proxy access are handled in EMIS Web, not here.";
    expect(html).toContain(`<a href="#patientId">${message}</a>`);
    expect(html).toMatch(/id="patientId"/);
    expect(html).toContain("<title>Error: ");
    expect(html).toContain('value="0113 496 0000"');
    expect(html).toContain("Her mother rang</textarea>");
    expect(html.match(/<input[^>]*name="contactWay"[^>]*>/g)?.filter((input) => input.includes(" checked"))).toEqual([expect.stringContaining('value="phone"')]);
    expect(await requestsFor(child.id)).toBe(0);
  });

  it("asks for the number when the phone is the safe way, then takes the request for a 16-year-old on their birthday", async () => {
    const missing = await client.post(`/staff/requests/new?patient=${sixteen.id}`, form(sixteen.id, { contactWay: "phone", contactPhone: "", contactTime: "Mornings" }));
    expect(missing.status).toBe(400);
    const html = await missing.text();
    expect(html).toContain(`<a href="#contactPhone">${staffEntryContent.contactErrors.contactPhoneMissing}</a>`);
    expect(html).toContain('value="Mornings"');
    const invalid = await client.post(`/staff/requests/new?patient=${sixteen.id}`, form(sixteen.id, { contactWay: "phone", contactPhone: "0800 123 4567", contactTime: "Mornings" }));
    expect(await invalid.text()).toContain(`<a href="#contactPhone">${staffEntryContent.contactErrors.contactPhoneInvalid}</a>`);
    expect(await requestsFor(sixteen.id)).toBe(0);

    const taken = await client.post(`/staff/requests/new?patient=${sixteen.id}`, form(sixteen.id, { contactWay: "phone", contactPhone: "(0113) 496-0000", contactTime: "Mornings" }));
    expect(taken.status).toBe(302);
    expect(taken.headers.get("location")).toMatch(/^\/staff\/requests\/[0-9a-f-]{36}\?entered=new$/);
    const [stored] = await admin<{ answers: { answers: Record<string, string> } }[]>`
      select s.answers from request_submissions s join requests r on r.id = s.request_id where r.patient_id = ${sixteen.id}`;
    expect(stored!.answers.answers).toEqual({ identityCheck: "known-to-staff", contactWay: "phone", contactPhone: "+441134960000", contactTime: "Mornings" });
  });
});
