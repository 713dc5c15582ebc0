import type { Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, startOfUkDay, ukLocalDay } from "../../app/domain/calendar";
import { createMailTransport } from "../../app/services/mail-transport.server";
import { submitPatientRequest } from "../../app/services/patient-requests.server";
import { getRequestReview } from "../../app/services/request-review.server";
import type { OutboxWorker } from "../../app/worker/outbox-worker.server";
import {
  addPatient,
  addReviewPractice,
  bornYearsBefore,
  counselledOn,
  dayFrom,
  draft,
  mustStep,
  placeRequest,
  receiveRequest,
  recordCodes,
  reimportPatient,
  requestReader,
  stepNow,
  type AddedPatient,
  type ReviewPractice,
} from "../helpers/review-fixtures";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";
import { createTestOutboxWorker } from "../helpers/test-outbox-worker";

// Issue 18: access decisions that are safe by construction. Requests arrive as the app receives
// them and are decided through the same service the request page uses, against a real database;
// each test names the rule of DESIGN §2 ("Safety invariants of a decision") it holds the app to.
// The requests arrive now (their received day is today), so the dates below are relative to now.

const FOUR_FIELDS = ["counselledOn", "counsellingMethod", "counsellingHeldBy", "counsellingNote"];

describe("access decisions that are safe by construction", () => {
  let db: TestDatabase;
  let practice: ReviewPractice;
  let read: ReturnType<typeof requestReader>;
  let sink: SmtpSink;
  let transport: Transporter;
  let worker: OutboxWorker;
  const now = new Date();
  const today = ukLocalDay(now);
  const as = (role: Parameters<ReviewPractice["as"]>[0]) => practice.as(role);
  // Each step is taken at the time it is taken, after the request arrived.
  const step = (role: Parameters<ReviewPractice["as"]>[0], requestId: string, s: Parameters<typeof stepNow>[3]) => stepNow(db, as(role), requestId, s);
  const must = (role: Parameters<ReviewPractice["as"]>[0], requestId: string, s: Parameters<typeof mustStep>[3]) => mustStep(db, as(role), requestId, s);
  const OLD_104 = { code: "104" as const, on: "2024-01-10" };

  /** Every message the patient has been sent or is to be sent, of any request. */
  const messagesOfPatient = (patientId: string) =>
    db.admin<{ template_key: string; channel: string; to_address: string | null; status: string }[]>`
      select template_key::text, channel::text, to_address, status::text from messages where patient_id = ${patientId} order by created_at, id`;

  /** Sends every queued email through real SMTP, as the outbox worker does. */
  async function deliverAll() {
    for (let round = 0; round < 10; round++) if ((await worker.runOnce()) === 0) return;
    throw new Error("The outbox still had mail after 10 rounds.");
  }

  /** An opt-in from a patient with an active 104, brought to clinician review by reception. */
  async function optInAtClinicianReview(patient: AddedPatient) {
    const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
    await must("reception", requestId, { kind: "move", to: "clinician-review" });
    return requestId;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    practice = await addReviewPractice("S18001", "Safe Decisions Surgery");
    read = requestReader(db);
    sink = await startSmtpSink();
    transport = createMailTransport(sink.url, { rateLimit: 0 });
    worker = createTestOutboxWorker(transport, { staleAfterMs: 60_000 });
  });
  afterAll(async () => {
    await worker?.stop();
    transport?.close();
    await sink?.close();
    await db?.drop();
  });

  describe("granting access to a patient who had an active 104", () => {
    let patient: AddedPatient;
    let requestId = "";
    beforeAll(async () => {
      patient = await addPatient(practice.id, { email: "private104@example.org", contactIsPrivate: true, codes: [OLD_104] });
      requestId = await optInAtClinicianReview(patient);
    });

    /** The decision was refused with exactly these fields, and nothing about it was stored. */
    async function expectNothingStored(result: Awaited<ReturnType<typeof step>>, fields: string[]) {
      expect(result.ok).toBe(false);
      if (result.ok || result.kind !== "invalid") throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
      expect(result.problems.map((p) => p.field)).toEqual(fields);
      expect(await read.decisions(requestId)).toEqual([]);
      expect(await read.request(requestId)).toMatchObject({ state: "clinician-review", version: 2 });
      expect(await read.outcomeMessages(requestId)).toEqual([]);
      expect((await read.auditActions(requestId)).at(-1)).toBe("clinician:request.step-refused");
      expect(await read.lastAudit(requestId, "request.step-refused")).toMatchObject({ fields, outcome: "granted" });
      return result.problems;
    }

    it("is refused without a counselling conversation, naming each part of the record that is missing", async () => {
      await expectNothingStored(await step("clinician", requestId, { kind: "decide", draft: draft("granted") }), FOUR_FIELDS);
    });

    it("is refused with a counselling conversation dated in the future", async () => {
      const problems = await expectNothingStored(
        await step("clinician", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(dayFrom(now, 1)) }) }),
        ["counselledOn"],
      );
      expect(problems[0]!.message).toMatch(/cannot be in the future/);
    });

    it("is refused with a counselling conversation from before the request arrived", async () => {
      const problems = await expectNothingStored(
        await step("clinician", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(dayFrom(now, -1)) }) }),
        ["counselledOn"],
      );
      expect(problems[0]!.message).toMatch(/before the request arrived/);
    });

    it("is refused to a receptionist and to a practice manager, even with a counselling record", async () => {
      for (const role of ["reception", "manager"] as const) {
        const result = await step(role, requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) });
        expect(result).toEqual({ ok: false, kind: "refused", reason: expect.stringMatching(/Only a clinician/) as unknown });
      }
      expect(await read.decisions(requestId)).toEqual([]);
      expect(await read.auditActions(requestId)).toEqual(expect.arrayContaining(["reception:request.step-refused", "manager:request.step-refused"]));
    });

    it("is accepted from a clinician after counselling today, storing the derived code 106 and prospective record access", async () => {
      await must("clinician", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today, "Nurse Nia") }) });
      expect(await read.decisions(requestId)).toMatchObject([
        {
          outcome: "granted",
          code_to_enter: "106",
          access_level: "prospective-record",
          had_active_104: true,
          counselled_on: today,
          counselling_method: "phone",
          counselling_held_by: "Nurse Nia",
          superseded_at: null,
        },
      ]);
      expect(await read.lastAudit(requestId, "request.decided")).toMatchObject({ codeToEnter: "106", accessLevel: "prospective-record", counselledOn: today });
    });
  });

  describe("withholding access", () => {
    it("needs a clinician, and a reason", async () => {
      const patient = await addPatient(practice.id, { email: "withheld@example.org" });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      const byReception = await step("reception", requestId, { kind: "decide", draft: draft("withheld", { reason: "Third-party information in the record" }) });
      expect(byReception).toEqual({ ok: false, kind: "invalid", problems: [{ field: "outcome", message: "Only a clinician can withhold access." }] });
      const noReason = await step("clinician", requestId, { kind: "decide", draft: draft("withheld", { reason: "  " }) });
      expect(noReason).toEqual({ ok: false, kind: "invalid", problems: [{ field: "reason", message: "Enter why access is withheld." }] });
      expect(await read.decisions(requestId)).toEqual([]);

      await must("clinician", requestId, { kind: "decide", draft: draft("withheld", { reason: "Third-party information in the record" }) });
      expect(await read.decisions(requestId)).toMatchObject([{ outcome: "withheld", code_to_enter: "104", reason: "Third-party information in the record" }]);
    });
  });

  describe("the request remembers the patient had an active 104", () => {
    it("after an import lifts the 104 with a 106: a clinician and counselling are still needed, and messages stay private", async () => {
      const patient = await addPatient(practice.id, { email: "shared-inbox@example.org", contactIsPrivate: false, codes: [OLD_104] });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      expect(await read.request(requestId)).toMatchObject({ had_active_104: true });
      // The practice codes a 106 in its clinical system; the next import brings it.
      await recordCodes(practice.id, patient.id, [OLD_104, { code: "106", on: today }]);

      const review = (await getRequestReview(as("reception"), requestId, now))!;
      expect(review.patient).toMatchObject({ state: "review-cleared", enhancedReview: false });
      expect(review.request.hadActive104).toBe(true);
      expect(await step("reception", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) })).toMatchObject({
        ok: false,
        kind: "refused",
        reason: expect.stringMatching(/must go to clinician review/) as unknown,
      });
      await must("reception", requestId, { kind: "move", to: "clinician-review" });
      const uncounselled = await step("clinician", requestId, { kind: "decide", draft: draft("granted") });
      expect(uncounselled).toMatchObject({ ok: false, kind: "invalid" });
      await must("clinician", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) });
      await must("reception", requestId, { kind: "mark-actioned" });
      // Her email is not private to her: the outcome is a letter, and nothing was ever emailed.
      expect(await messagesOfPatient(patient.id)).toEqual([{ template_key: "outcome-access-granted", channel: "letter", to_address: null, status: "queued" }]);
    });

    it("after a decision on another of her requests lifts the 104: her second request still needs a clinician and counselling", async () => {
      const patient = await addPatient(practice.id, { email: "second@example.org", contactIsPrivate: false, codes: [OLD_104] });
      const first = await optInAtClinicianReview(patient);
      const { requestId: second } = await receiveRequest(practice.id, patient.id, "withdraw-opt-out");
      await must("clinician", first, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) });

      const review = (await getRequestReview(as("reception"), second, now))!;
      // The grant's 106 is in force: the patient no longer has an active 104.
      expect(review.patient).toMatchObject({ enhancedReview: false });
      expect(review.request.hadActive104).toBe(true);
      expect(review.decide!.choices.find((c) => c.outcome === "granted")).toBeUndefined();
      expect(await step("reception", second, { kind: "decide", draft: draft("granted") })).toMatchObject({ ok: false, kind: "refused" });
      await must("reception", second, { kind: "move", to: "clinician-review" });
      const uncounselled = await step("clinician", second, { kind: "decide", draft: draft("granted") });
      expect(uncounselled).toMatchObject({ ok: false, kind: "invalid" });
      expect(await read.decisions(second)).toEqual([]);
    });

    it("is set when a 104 appears after a grant: the grant cannot be carried out, and a clinician decides again after counselling", async () => {
      const patient = await addPatient(practice.id, { email: "late-104@example.org", contactIsPrivate: false });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      await must("reception", requestId, { kind: "decide", draft: draft("granted") });
      // Before anyone acts on it, an import shows a 104 recorded today, after the request arrived.
      await recordCodes(practice.id, patient.id, [{ code: "104", on: today }]);

      expect(await step("reception", requestId, { kind: "mark-actioned" })).toMatchObject({
        ok: false,
        kind: "refused",
        reason: expect.stringMatching(/reopen the request so that a clinician decides it/) as unknown,
      });
      expect(await read.outcomeMessages(requestId)).toEqual([]);
      await must("clinician", requestId, { kind: "reopen", reason: "A 104 was recorded after access was granted" });
      expect(await read.request(requestId)).toMatchObject({ state: "clinician-review", had_active_104: true });
      expect(await step("clinician", requestId, { kind: "decide", draft: draft("granted") })).toMatchObject({ ok: false, kind: "invalid" });
      await must("clinician", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) });
      await must("reception", requestId, { kind: "mark-actioned" });
      // Her email was fine when she asked; since the 104 it is not private enough: a letter.
      expect(await read.outcomeMessages(requestId)).toMatchObject([{ template_key: "outcome-access-granted", channel: "letter", to_address: null }]);
    });

    it("when an import brings a 104 recorded before the request arrived, lifted today: a clinician and counselling are needed, and the outcome goes by letter", async () => {
      const patient = await addPatient(practice.id, { email: "late-import@example.org", contactIsPrivate: false });
      // The last import showed no codes when she asked: she was told by email that her request arrived.
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      expect(await read.request(requestId)).toMatchObject({ had_active_104: false });
      // The next import shows a 104 recorded five days before she asked, and a 106 recorded today.
      await recordCodes(practice.id, patient.id, [
        { code: "104", on: dayFrom(now, -5) },
        { code: "106", on: today },
      ]);

      const review = (await getRequestReview(as("reception"), requestId, now))!;
      expect(review.patient).toMatchObject({ state: "review-cleared", enhancedReview: false });
      expect(review.request.hadActive104).toBe(true);
      expect(await step("reception", requestId, { kind: "decide", draft: draft("granted") })).toMatchObject({
        ok: false,
        kind: "refused",
        reason: expect.stringMatching(/must go to clinician review/) as unknown,
      });
      await must("reception", requestId, { kind: "move", to: "clinician-review" });
      const uncounselled = await step("clinician", requestId, { kind: "decide", draft: draft("granted") });
      expect(uncounselled).toMatchObject({ ok: false, kind: "invalid", problems: FOUR_FIELDS.map((field) => ({ field })) });
      await must("clinician", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) });
      expect(await read.decisions(requestId)).toMatchObject([{ outcome: "granted", had_active_104: true, counselled_on: today }]);
      await must("reception", requestId, { kind: "mark-actioned" });
      // Her email is not private to her: only the arrival (sent before the 104 was known) went there.
      expect(await messagesOfPatient(patient.id)).toEqual([
        { template_key: "request-received", channel: "email", to_address: "late-import@example.org", status: "queued" },
        { template_key: "outcome-access-granted", channel: "letter", to_address: null, status: "queued" },
      ]);
    });

    it("when an unmatched request is linked to a patient whose 104 was recorded after it arrived and lifted since: flagged, and no email to an address not private to her", async () => {
      const patient = await addPatient(practice.id, {
        givenName: "Lena",
        familyName: "Linked",
        email: "household@example.org",
        contactIsPrivate: false,
        codes: [
          { code: "104", on: dayFrom(now, -5) },
          { code: "106", on: dayFrom(now, -2) },
        ],
      });
      const requestId = await placeRequest(practice.id, { kind: "opt-in", state: "identity-check", patientId: null, receivedAt: new Date(now.getTime() - 10 * 86_400_000) });

      await must("reception", requestId, { kind: "link", patientId: patient.id });
      expect(await read.request(requestId)).toMatchObject({ state: "triage", had_active_104: true });
      expect(await read.lastAudit(requestId, "request.linked")).toMatchObject({ hadActive104: true });
      // "Request received" would go to an address others read: it is not sent at all.
      expect(await messagesOfPatient(patient.id)).toEqual([]);
      const review = (await getRequestReview(as("reception"), requestId, now))!;
      expect(review.request.hadActive104).toBe(true);
      expect(await step("reception", requestId, { kind: "decide", draft: draft("granted") })).toMatchObject({ ok: false, kind: "refused" });
    });

    it("is set when a second submission joins the request while the patient has an active 104", async () => {
      const patient = await addPatient(practice.id, { email: "joined@example.org", contactIsPrivate: false });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      expect(await read.request(requestId)).toMatchObject({ had_active_104: false });
      // An import brings a 104 the practice recorded long ago; she asks again while it is active.
      await recordCodes(practice.id, patient.id, [OLD_104]);
      const again = await receiveRequest(practice.id, patient.id, "opt-in");
      expect(again).toMatchObject({ requestId, joined: true });
      expect(await read.request(requestId)).toMatchObject({ had_active_104: true });

      // Lifted again before anyone looks: the request still remembers.
      await recordCodes(practice.id, patient.id, [OLD_104, { code: "106", on: today }]);
      const review = (await getRequestReview(as("clinician"), requestId, now))!;
      expect(review.request.hadActive104).toBe(true);
      expect(await step("reception", requestId, { kind: "decide", draft: draft("granted") })).toMatchObject({ ok: false, kind: "refused" });
      // Only the first submission was told it arrived, while her email could still be used.
      expect(await messagesOfPatient(patient.id)).toEqual([{ template_key: "request-received", channel: "email", to_address: "joined@example.org", status: "queued" }]);
    });
  });

  describe("a new submission", () => {
    it("after her request was decided makes a new request: the decided one is unchanged", async () => {
      const patient = await addPatient(practice.id, { email: "asks-again@example.org" });
      const first = await receiveRequest(practice.id, patient.id, "opt-out", { optOutScope: "no-online-access" });
      await must("reception", first.requestId, { kind: "decide", draft: draft("opt-out-recorded") });
      const decided = await read.request(first.requestId);
      expect(decided).toMatchObject({ state: "decided" });
      const [decision] = await read.decisions(first.requestId);

      const again = await receiveRequest(practice.id, patient.id, "opt-out", { optOutScope: "keep-appointments-and-prescriptions" });
      expect(again.joined).toBe(false);
      expect(again.requestId).not.toBe(first.requestId);
      expect(await read.request(first.requestId)).toEqual(decided);
      expect(await read.decisions(first.requestId)).toEqual([decision]);
      const [submissions] = await db.admin<{ n: number }[]>`select count(*)::int as n from request_submissions where request_id = ${first.requestId}`;
      expect(submissions!.n).toBe(1);
      // The new request is decided on its own, on what she asks for now.
      expect(await read.request(again.requestId)).toMatchObject({ state: "triage" });
      expect((await getRequestReview(as("reception"), again.requestId, now))!.request.optOutScope).toBe("keep-appointments-and-prescriptions");
    });
  });

  describe("marking a decision done in the clinical system", () => {
    it("is refused for a grant whose patient an import has since shown to be under 16", async () => {
      const patient = await addPatient(practice.id, { givenName: "Tom", familyName: "Teen", email: "tom@example.org" });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      await must("reception", requestId, { kind: "decide", draft: draft("granted") });
      // The next import corrects his date of birth: he turns 16 tomorrow.
      await reimportPatient(practice.id, patient, { dateOfBirth: bornYearsBefore(dayFrom(now, 1), 16) });

      expect(await step("reception", requestId, { kind: "mark-actioned" })).toEqual({
        ok: false,
        kind: "refused",
        reason: expect.stringMatching(/under 16: reopen the request/) as unknown,
      });
      expect(await read.request(requestId)).toMatchObject({ state: "decided" });
      expect(await read.decisions(requestId)).toMatchObject([{ outcome: "granted", actioned_at: null }]);
      expect(await read.outcomeMessages(requestId)).toEqual([]);
    });
  });

  describe("when the patient is told", () => {
    it("a grant: nothing at the decision, the outcome once the request is done in the clinical system", async () => {
      const patient = await addPatient(practice.id, { email: "timing@example.org" });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      await must("reception", requestId, { kind: "decide", draft: draft("granted") });
      expect(await read.outcomeMessages(requestId)).toEqual([]);
      expect((await getRequestReview(as("reception"), requestId, now))!.current!.told).toEqual({ state: "not-yet", messageId: null });

      await must("reception", requestId, { kind: "mark-actioned" });
      const [outcome, ...more] = await read.outcomeMessages(requestId);
      expect(more).toEqual([]);
      expect(outcome).toMatchObject({ template_key: "outcome-access-granted", channel: "email", to_address: "timing@example.org", status: "queued" });
      const [decision] = await read.decisions(requestId);
      expect(decision!.outcome_message_id).toBe(outcome!.id);
      expect((await getRequestReview(as("reception"), requestId, now))!.current!.told).toMatchObject({ state: "queued", channel: "email", messageId: outcome!.id });
    });

    it("a grant before the practice's go-live: the email waits for the go-live day and names it", async () => {
      const goLive = dayFrom(now, 30);
      const notYetLive = await addReviewPractice("S18002", "Not Yet Live Surgery", { goLiveDate: goLive });
      const patient = await addPatient(notYetLive.id, { email: "waits-for-go-live@example.org" });
      const { requestId } = await receiveRequest(notYetLive.id, patient.id, "opt-in");
      await mustStep(db, notYetLive.as("reception"), requestId, { kind: "decide", draft: draft("granted") });
      await mustStep(db, notYetLive.as("reception"), requestId, { kind: "mark-actioned" });

      const [outcome, ...more] = await db.admin<{ id: string; next_attempt_at: Date; variables: { date: string }; status: string }[]>`
        select id, next_attempt_at, variables, status::text from messages where request_id = ${requestId} and template_key = 'outcome-access-granted'`;
      expect(more).toEqual([]);
      // From the first moment of the go-live day, UK time, and not a moment before.
      expect(ukLocalDay(outcome!.next_attempt_at)).toBe(goLive);
      expect(ukLocalDay(new Date(outcome!.next_attempt_at.getTime() - 1))).toBe(addDays(goLive, -1));
      const longDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" }).format(new Date(`${goLive}T12:00:00Z`));
      expect(outcome!.variables.date).toBe(longDay);

      // The outbox sends what is due (the "request received" email) but holds the outcome.
      await deliverAll();
      expect(await db.admin`select template_key::text, status::text from messages where patient_id = ${patient.id} order by created_at, id`).toEqual([
        { template_key: "request-received", status: "sent" },
        { template_key: "outcome-access-granted", status: "queued" },
      ]);
      const received = () => sink.received.filter((mail) => mail.to.includes("waits-for-go-live@example.org"));
      expect(received()).toHaveLength(1);

      // On the go-live day it goes, saying access starts then.
      await db.admin`update messages set next_attempt_at = ${startOfUkDay(today)} where id = ${outcome!.id}`;
      await deliverAll();
      expect(received()).toHaveLength(2);
      expect(received()[1]!.source.replace(/=\r?\n/g, "")).toContain(longDay);
    });

    it("rejected as unverified: never, and there is nothing to do in the clinical system", async () => {
      const patient = await addPatient(practice.id, { email: "unverified@example.org" });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-out");
      await must("reception", requestId, { kind: "decide", draft: draft("rejected-unverified", { identityMethod: "not-verified" }) });
      expect(await read.outcomeMessages(requestId)).toEqual([]);
      expect(await step("reception", requestId, { kind: "mark-actioned" })).toMatchObject({ ok: false, kind: "refused" });
      await must("reception", requestId, { kind: "close" });
      expect(await read.outcomeMessages(requestId)).toEqual([]);
    });
  });

  describe("private contact", () => {
    it("a patient with an active 104 whose email is not private to her gets letters, never an email", async () => {
      const patient = await addPatient(practice.id, { email: "family@example.org", contactIsPrivate: false, codes: [OLD_104] });
      const requestId = await optInAtClinicianReview(patient);
      expect(await messagesOfPatient(patient.id)).toEqual([]);
      await must("clinician", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) });
      // The grant's 106 lifts her 104 at once; what was decided when the request arrived still holds.
      expect((await getRequestReview(as("reception"), requestId, now))!.patient).toMatchObject({ enhancedReview: false });
      await must("reception", requestId, { kind: "mark-actioned" });
      expect(await messagesOfPatient(patient.id)).toEqual([{ template_key: "outcome-access-granted", channel: "letter", to_address: null, status: "queued" }]);
      expect((await getRequestReview(as("reception"), requestId, now))!.current!.told).toMatchObject({ state: "needs-letter", channel: "letter" });
    });

    it("the same patient with an email marked private to her is emailed there", async () => {
      const patient = await addPatient(practice.id, { email: "mine-only@example.org", contactIsPrivate: true, codes: [OLD_104] });
      const requestId = await optInAtClinicianReview(patient);
      await must("clinician", requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) });
      await must("reception", requestId, { kind: "mark-actioned" });
      expect(await messagesOfPatient(patient.id)).toEqual([
        { template_key: "request-received", channel: "email", to_address: "mine-only@example.org", status: "queued" },
        { template_key: "outcome-access-granted", channel: "email", to_address: "mine-only@example.org", status: "queued" },
      ]);
    });
  });

  describe("opting out", () => {
    it.each([
      ["keep-appointments-and-prescriptions", "appointments-and-prescriptions", "outcome-opt-out-keep-appointments"],
      ["no-online-access", "none", "outcome-opt-out-recorded"],
    ])("asking for %s records code 103, access level %s, and tells the patient with %s", async (scope, level, template) => {
      const patient = await addPatient(practice.id, { email: `opt-out-${scope}@example.org` });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-out", { optOutScope: scope });
      const review = (await getRequestReview(as("reception"), requestId, now))!;
      expect(review.request.optOutScope).toBe(scope);
      expect(review.decide!.choices.find((c) => c.outcome === "opt-out-recorded")!.change).toMatchObject({ codeToEnter: "103", accessLevel: level });

      await must("reception", requestId, { kind: "decide", draft: draft("opt-out-recorded") });
      expect(await read.decisions(requestId)).toMatchObject([{ outcome: "opt-out-recorded", code_to_enter: "103", access_level: level }]);
      await must("reception", requestId, { kind: "mark-actioned" });
      expect(await read.outcomeMessages(requestId)).toMatchObject([{ template_key: template, channel: "email" }]);
    });
  });

  describe("patients under 16", () => {
    it("a six-year-old's opt-in from the public form can only be recorded as outside this service, told at once", async () => {
      const child = await addPatient(practice.id, { givenName: "Poppy", familyName: "Young", dateOfBirth: bornYearsBefore(dayFrom(now, -40), 6), email: "parent@example.org" });
      const [year, month, day] = child.dateOfBirth.split("-");
      const answered = await submitPatientRequest({
        odsCode: practice.odsCode,
        kind: "opt-in",
        claim: { nhsNumber: child.nhsNumber, givenName: "Poppy", familyName: "Young", dateOfBirth: child.dateOfBirth, postcode: "LS1 4AB", email: null, mobile: null },
        answers: {
          givenName: "Poppy",
          familyName: "Young",
          dateOfBirthDay: day!,
          dateOfBirthMonth: month!,
          dateOfBirthYear: year!,
          postcode: "LS1 4AB",
          nhsNumber: child.nhsNumber,
          declarationUpsetting: "yes",
          declarationLoginSafe: "yes",
          declarationTellPractice: "yes",
          contactWay: "letter",
        },
        clientAddress: "192.0.2.60",
        now,
      });
      expect(answered.reference).toMatch(/^RQ-/);
      const [request] = await db.admin<{ id: string; state: string }[]>`select id, state from requests where patient_id = ${child.id}`;
      expect(request!.state).toBe("triage");
      const requestId = request!.id;

      const review = (await getRequestReview(as("clinician"), requestId, now))!;
      expect(review.patient).toMatchObject({ age: 6, outsideService: true });
      expect(review.decide!.choices.map((c) => c.outcome)).toEqual(["rejected-unverified", "outside-service"]);

      const granted = await step("clinician", requestId, { kind: "decide", draft: draft("granted") });
      expect(granted).toEqual({
        ok: false,
        kind: "invalid",
        problems: [
          {
            field: "outcome",
            message: expect.stringMatching(/^The patient is 6: .*access for under-16s and proxy access are arranged in the clinical system\.$/) as unknown,
          },
        ],
      });
      expect(await read.decisions(requestId)).toEqual([]);

      await must("reception", requestId, { kind: "decide", draft: draft("outside-service") });
      expect(await read.decisions(requestId)).toMatchObject([{ outcome: "outside-service", code_to_enter: null, access_level: null }]);
      // Nothing is to be done in the clinical system through this service: the patient is told now.
      expect(await read.outcomeMessages(requestId)).toMatchObject([{ template_key: "outcome-outside-service", channel: "email", to_address: "parent@example.org" }]);
      expect(await step("reception", requestId, { kind: "mark-actioned" })).toMatchObject({ ok: false, kind: "refused" });
      await must("reception", requestId, { kind: "close" });
    });

    it("a patient who turns 16 today may be granted access; one who turns 16 tomorrow may not", async () => {
      const sixteen = await addPatient(practice.id, { dateOfBirth: bornYearsBefore(today, 16), email: "sixteen@example.org" });
      const { requestId } = await receiveRequest(practice.id, sixteen.id, "opt-in");
      expect((await getRequestReview(as("reception"), requestId, now))!.patient).toMatchObject({ age: 16, outsideService: false });
      await must("reception", requestId, { kind: "decide", draft: draft("granted") });

      const fifteen = await addPatient(practice.id, { dateOfBirth: bornYearsBefore(dayFrom(now, 1), 16), email: "fifteen@example.org" });
      const { requestId: tooYoung } = await receiveRequest(practice.id, fifteen.id, "opt-in");
      expect(await step("reception", tooYoung, { kind: "decide", draft: draft("granted") })).toMatchObject({
        ok: false,
        kind: "invalid",
        problems: [{ field: "outcome", message: expect.stringMatching(/^The patient is 15:/) as unknown }],
      });
    });
  });

  describe("correcting a decision", () => {
    it("a manager reopens a done grant with a reason: it stays as superseded, the unsent letter is withdrawn, and it is decided again", async () => {
      const patient = await addPatient(practice.id, { email: null });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      await must("reception", requestId, { kind: "decide", draft: draft("granted") });
      await must("reception", requestId, { kind: "mark-actioned" });
      const [letter] = await read.outcomeMessages(requestId);
      expect(letter).toMatchObject({ template_key: "outcome-access-granted", channel: "letter", status: "queued" });

      await must("manager", requestId, { kind: "reopen", reason: "Granted on the wrong patient's record" });
      expect(await read.request(requestId)).toMatchObject({ state: "triage" });
      const [superseded, ...others] = await read.decisions(requestId);
      expect(others).toEqual([]);
      expect(superseded).toMatchObject({ outcome: "granted", superseded_reason: "Granted on the wrong patient's record" });
      expect(superseded!.superseded_at).not.toBeNull();
      expect(await read.outcomeMessages(requestId)).toEqual([{ ...letter, status: "cancelled" }]);
      expect(await read.lastAudit(requestId, "request.reopened")).toMatchObject({ supersededDecisionId: superseded!.id, cancelledMessageIds: [letter!.id] });
      const review = (await getRequestReview(as("manager"), requestId, now))!;
      expect(review.current).toBeNull();
      expect(review.corrected.map((c) => c.decision.id)).toEqual([superseded!.id]);

      // Decided again: a new decision in force beside the superseded one, and a new letter, as the first never went.
      await must("reception", requestId, { kind: "decide", draft: draft("granted") });
      await must("reception", requestId, { kind: "mark-actioned" });
      expect((await read.decisions(requestId)).map((d) => d.superseded_at === null)).toEqual([false, true]);
      expect((await read.outcomeMessages(requestId)).map((m) => m.status)).toEqual(["cancelled", "queued"]);
    });

    it("tells the patient again only when what they were told is no longer true", async () => {
      const patient = await addPatient(practice.id, { email: "told-once@example.org" });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      await must("reception", requestId, { kind: "decide", draft: draft("granted") });
      await must("reception", requestId, { kind: "mark-actioned" });
      await deliverAll();
      expect(await read.outcomeMessages(requestId)).toMatchObject([{ template_key: "outcome-access-granted", status: "sent" }]);

      // Corrected to the same outcome: the patient's email is still true.
      await must("manager", requestId, { kind: "reopen", reason: "Identity method recorded wrongly" });
      expect(await read.lastAudit(requestId, "request.reopened")).toMatchObject({ cancelledMessageIds: [] });
      await must("reception", requestId, { kind: "decide", draft: draft("granted", { identityMethod: "photo-id" }) });
      await must("reception", requestId, { kind: "mark-actioned" });
      expect(await read.outcomeMessages(requestId)).toHaveLength(1);

      // Corrected to a different one: told again, once.
      await must("manager", requestId, { kind: "reopen", reason: "Third-party information found in the record" });
      await must("clinician", requestId, { kind: "decide", draft: draft("withheld", { reason: "Third-party information in the record" }) });
      await must("reception", requestId, { kind: "mark-actioned" });
      expect((await read.outcomeMessages(requestId)).map((m) => m.template_key)).toEqual(["outcome-access-granted", "outcome-access-not-granted"]);
      expect(await read.decisions(requestId)).toHaveLength(3);
    });

    it("corrected to the same outcome: the new decision points at the message already sent, and the page shows it sent", async () => {
      const patient = await addPatient(practice.id, { email: "same-words@example.org" });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-in");
      await must("reception", requestId, { kind: "decide", draft: draft("granted") });
      await must("reception", requestId, { kind: "mark-actioned" });
      await deliverAll();
      const [sent] = await read.outcomeMessages(requestId);
      expect(sent).toMatchObject({ template_key: "outcome-access-granted", status: "sent" });

      await must("manager", requestId, { kind: "reopen", reason: "Identity method recorded wrongly" });
      await must("reception", requestId, { kind: "decide", draft: draft("granted", { identityMethod: "photo-id" }) });
      await must("reception", requestId, { kind: "mark-actioned" });
      expect(await read.outcomeMessages(requestId)).toEqual([sent]);
      const [superseded, current] = await read.decisions(requestId);
      expect(superseded).toMatchObject({ outcome_message_id: sent!.id });
      expect(current).toMatchObject({ superseded_at: null, outcome_message_id: sent!.id });
      const review = (await getRequestReview(as("reception"), requestId, now))!;
      expect(review.current!.told).toMatchObject({ state: "sent", channel: "email", messageId: sent!.id });
    });

    it("a request rejected as unverified before anyone knew who sent it goes back to identity check, and can then be linked", async () => {
      const patient = await addPatient(practice.id, { givenName: "Una", familyName: "Unmatched", email: "una@example.org" });
      const requestId = await placeRequest(practice.id, { kind: "opt-out", state: "identity-check", patientId: null, answers: { optOutScope: "no-online-access" } });
      await must("reception", requestId, { kind: "decide", draft: draft("rejected-unverified", { identityMethod: "not-verified" }) });
      await must("reception", requestId, { kind: "close" });
      expect((await getRequestReview(as("manager"), requestId, now))!.reopen).toEqual({ to: "identity-check", check: { ok: true } });

      await must("manager", requestId, { kind: "reopen", reason: "She phoned: the details she typed were her maiden name" });
      expect(await read.request(requestId)).toMatchObject({ state: "identity-check" });
      expect(await read.decisions(requestId)).toMatchObject([{ outcome: "rejected-unverified", superseded_reason: "She phoned: the details she typed were her maiden name" }]);
      await must("reception", requestId, { kind: "link", patientId: patient.id });
      expect(await read.request(requestId)).toMatchObject({ state: "triage" });
      await must("reception", requestId, { kind: "decide", draft: draft("opt-out-recorded", { identityMethod: "known-to-staff" }) });
      expect((await read.decisions(requestId)).map((d) => d.outcome)).toEqual(["rejected-unverified", "opt-out-recorded"]);
    });

    it("needs a reason, and a manager (or a clinician when the patient had an active 104)", async () => {
      const patient = await addPatient(practice.id, { email: "who-reopens@example.org" });
      const { requestId } = await receiveRequest(practice.id, patient.id, "opt-out");
      await must("reception", requestId, { kind: "decide", draft: draft("opt-out-recorded") });
      const version = await read.version(requestId);

      expect(await step("manager", requestId, { kind: "reopen", reason: "   " })).toEqual({ ok: false, kind: "refused", reason: "Enter why the decision needs correcting." });
      expect(await step("reception", requestId, { kind: "reopen", reason: "Wrong patient" })).toMatchObject({ ok: false, kind: "refused", reason: expect.stringMatching(/Only a practice manager/) as unknown });
      expect(await step("clinician", requestId, { kind: "reopen", reason: "Wrong patient" })).toMatchObject({ ok: false, kind: "refused", reason: expect.stringMatching(/Only a practice manager/) as unknown });
      expect(await read.request(requestId)).toMatchObject({ state: "decided", version });
      expect((await read.decisions(requestId)).map((d) => d.superseded_at)).toEqual([null]);

      // A request from a patient who had an active 104 is the clinician's to correct: it goes back to clinician review.
      const atRisk = await addPatient(practice.id, { email: "reopen-104@example.org", contactIsPrivate: true, codes: [OLD_104] });
      const atRiskRequest = await optInAtClinicianReview(atRisk);
      await must("clinician", atRiskRequest, { kind: "decide", draft: draft("granted", { counselling: counselledOn(today) }) });
      await must("clinician", atRiskRequest, { kind: "reopen", reason: "Counselling note belongs to another patient" });
      expect(await read.request(atRiskRequest)).toMatchObject({ state: "clinician-review" });
    });
  });

  describe("the database itself", () => {
    let requestId = "";
    let patientId = "";
    const insertDecision = (fields: { outcome: string; code: string | null; level: string | null; reason?: string | null; hadActive104?: boolean }) =>
      db.admin`
        insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, reason, had_active_104, decided_by)
        values (${practice.id}, ${requestId}, ${patientId}, ${fields.outcome}, ${fields.code}, ${fields.level}, 'record-match',
                ${fields.reason ?? null}, ${fields.hadActive104 ?? false}, ${as("clinician").user.id})`;

    beforeAll(async () => {
      patientId = (await addPatient(practice.id, { email: "sql@example.org" })).id;
      requestId = await placeRequest(practice.id, { kind: "opt-in", state: "clinician-review", patientId });
    });

    it("refuses a contradictory decision written straight into the table", async () => {
      await expect(insertDecision({ outcome: "granted", code: "104", level: "prospective-record" })).rejects.toThrow(/decisions_outcome_code_level/);
      await expect(insertDecision({ outcome: "granted", code: "106", level: "none" })).rejects.toThrow(/decisions_outcome_code_level/);
      await expect(insertDecision({ outcome: "withheld", code: "104", level: "none" })).rejects.toThrow(/decisions_outcome_code_level/);
      await expect(insertDecision({ outcome: "opt-out-recorded", code: "106", level: "none" })).rejects.toThrow(/decisions_outcome_code_level/);
      await expect(insertDecision({ outcome: "granted", code: "106", level: "prospective-record", hadActive104: true })).rejects.toThrow(
        /decisions_at_risk_grant_counselled/,
      );
      expect(await read.decisions(requestId)).toEqual([]);
    });

    it("refuses a second decision in force for one request, but keeps superseded ones beside it", async () => {
      await insertDecision({ outcome: "withheld", code: "104", level: "none", reason: "Written by SQL" });
      await expect(insertDecision({ outcome: "withheld", code: "104", level: "none", reason: "Again" })).rejects.toThrow(/decisions_request_current/);
      await db.admin`update decisions set superseded_at = now(), superseded_by = decided_by, superseded_reason = 'test' where request_id = ${requestId}`;
      await insertDecision({ outcome: "withheld", code: "104", level: "none", reason: "Again" });
      expect((await read.decisions(requestId)).map((d) => d.superseded_at === null)).toEqual([false, true]);
    });
  });
});
