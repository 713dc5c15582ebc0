import { parse } from "csv-parse/sync";
import type { Transporter } from "nodemailer";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditContent } from "../../app/content/audit";
import { ukLocalDay } from "../../app/domain/calendar";
import type { StaffRole } from "../../app/domain/roles";
import { appendAuditEvent } from "../../app/models/audit.server";
import { upsertPatients, replaceCodedEntries } from "../../app/models/patients.server";
import { insertMembership, insertStaffUser, updateStaffUser } from "../../app/models/staff.server";
import { auditTrailCsv, searchAuditTrail, type AuditEntry, type AuditPageQuery, type AuditTrailPage } from "../../app/services/audit.server";
import { createCampaign, sendCampaign } from "../../app/services/campaigns.server";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { letterActorOf, markBatchPrinted, prepareOutcomeLetter } from "../../app/services/letters.server";
import { createMailTransport } from "../../app/services/mail-transport.server";
import { submitPatientRequest } from "../../app/services/patient-requests.server";
import { viewPatient } from "../../app/services/patient-record.server";
import { findPatients } from "../../app/services/patient-search.server";
import { addPractice } from "../../app/services/practices.server";
import { getRequestReview } from "../../app/services/request-review.server";
import { assignRequest, takeReviewStep, type ReviewStep } from "../../app/services/request-steps.server";
import { openRequestQueue } from "../../app/services/review-queue.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import type { OutboxWorker } from "../../app/worker/outbox-worker.server";
import { withPractice } from "../../db/tenancy.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { StaffClient } from "../helpers/staff-http";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";
import { createTestOutboxWorker } from "../helpers/test-outbox-worker";

// Issue 18, point 7: the audit trail answers "what happened to this patient". One patient's
// request goes from the patient's form to a closed request told by email and by letter, through
// the services staff use; filtering the trail by her NHS number must then list every step, in
// plain words and in order, and nothing about anyone else or any other practice.

const JANE = { nhsNumber: "9434765919", shown: "943 476 5919" };
const KIM = { nhsNumber: "9434765870" };

describe("a patient's audit trail", () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let transport: Transporter;
  let worker: OutboxWorker;
  const staff: Partial<Record<StaffRole, StaffContext>> = {};
  let managerOfB: StaffContext;
  let reference = "";
  let janeId = "";
  const today = ukLocalDay(new Date());

  async function addStaff(practice: StaffContext["practice"], role: StaffRole, name: string, email: string): Promise<StaffContext> {
    const user = await withPractice(practice.id, async (tx) => {
      const added = await insertStaffUser(tx, { email, name });
      await updateStaffUser(tx, added.id, { status: "active" });
      await insertMembership(tx, { staffUserId: added.id, practiceId: practice.id, role, acceptedAt: new Date() });
      return added;
    });
    return { sessionTokenHash: "unused", user: { id: user.id, name, email }, practice, role, memberships: [], developmentMail: false };
  }

  async function addPracticeWithStaff(odsCode: string, name: string): Promise<StaffContext["practice"]> {
    const added = await addPractice({ odsCode, name, clinicalSystem: "emis" });
    if (!added.ok) throw new Error(added.error);
    return { id: added.practice.id, odsCode, name, clinicalSystem: "emis", goLiveDate: "2023-10-31" };
  }

  const as = (role: StaffRole) => staff[role]!;
  const versionOf = async (requestId: string) =>
    (await db.admin<{ version: number }[]>`select version from requests where id = ${requestId}`)[0]!.version;
  async function step(role: StaffRole, requestId: string, reviewStep: ReviewStep) {
    const result = await takeReviewStep(as(role), { requestId, version: await versionOf(requestId), step: reviewStep });
    expect(result, `${reviewStep.kind} by ${role}`).toEqual({ ok: true });
  }
  /** Runs the outbox until it has nothing more to send. */
  async function deliverAll() {
    for (let round = 0; round < 10; round++) if ((await worker.runOnce()) === 0) return;
    throw new Error("The outbox still had mail after 10 rounds.");
  }
  const trail = (context: StaffContext, query: AuditPageQuery, pageSize = 1000) => searchAuditTrail(context, query, { pageSize });
  const sentences = (events: AuditEntry[]) => events.map((e) => e.sentence);

  beforeAll(async () => {
    db = await createTestDatabase();
    const a = await addPracticeWithStaff("A83001", "Audit Trail Surgery");
    const b = await addPracticeWithStaff("B83002", "Other Practice");
    staff.reception = await addStaff(a, "reception", "Rita Reception", "rita@example.org");
    staff.clinician = await addStaff(a, "clinician", "Dr Ann Lee", "ann@example.org");
    staff.manager = await addStaff(a, "manager", "Mo Manager", "mo@example.org");
    managerOfB = await addStaff(b, "manager", "Bea Elsewhere", "bea@example.org");

    const patient = (practiceId: string, nhsNumber: string, given: string, family: string, email: string, contactIsPrivate = false) => ({
      practiceId,
      nhsNumber,
      givenName: given,
      familyName: family,
      dateOfBirth: "1980-05-17",
      addressLine1: "1 High Street",
      postcode: "LS1 4AB",
      email,
      contactIsPrivate,
    });
    const idsInA = await withPractice(a.id, (tx) =>
      upsertPatients(tx, [patient(a.id, JANE.nhsNumber, "Jane", "Doe", "jane@example.org"), patient(a.id, KIM.nhsNumber, "Kim", "Lovelace", "kim@example.org", true)]),
    );
    janeId = idsInA.get(JANE.nhsNumber)!;
    // Kim has an active 104 and contact details private to her: the invitation to ask for access goes to her alone.
    const kimId = idsInA.get(KIM.nhsNumber)!;
    await withPractice(a.id, (tx) =>
      replaceCodedEntries(tx, a.id, [kimId], [{ practiceId: a.id, patientId: kimId, code: "104", recordedOn: "2024-01-10", source: "seed" }]),
    );
    // Another practice has a patient with the same NHS number, and looks at her.
    await withPractice(b.id, (tx) => upsertPatients(tx, [patient(b.id, JANE.nhsNumber, "Jane", "Elsewhere", "jane.b@example.org")]));

    sink = await startSmtpSink();
    transport = createMailTransport(sink.url, { rateLimit: 0 });
    worker = createTestOutboxWorker(transport, { staleAfterMs: 60_000 });

    // The practice announces the opt-out model (to Jane; Kim's 104 keeps her out), and invites Kim to ask for access.
    const manager = { id: as("manager").user.id, role: "manager" };
    const announcement = await createCampaign({ practiceId: a.id, templateKey: "opt-out-announcement", actor: manager });
    expect(announcement.recipients).toBe(1);
    const sent = await sendCampaign({ practiceId: a.id, campaignId: announcement.id, actor: manager, when: "now", ignoreSendingHours: true });
    expect(sent.ok).toBe(true);
    await deliverAll();
    expect((await createCampaign({ practiceId: a.id, templateKey: "opt-in-invitation", actor: manager })).recipients).toBe(1);

    // Jane asks online, with an old postcode: only a partial match, so staff check who she is.
    await submitPatientRequest({
      odsCode: a.odsCode,
      kind: "opt-out",
      claim: { nhsNumber: JANE.nhsNumber, givenName: "Jane", familyName: "Doe", dateOfBirth: "1980-05-17", postcode: "LS2 9ZZ", email: "jane@example.org", mobile: null },
      answers: { givenName: "Jane", familyName: "Doe", postcode: "LS2 9ZZ", nhsNumber: JANE.shown, optOutScope: "no-online-access" },
      clientAddress: "192.0.2.10",
      now: new Date(),
    });
    const [request] = await db.admin<{ id: string; reference: string; state: string }[]>`
      select id, reference, state from requests where practice_id = ${a.id}`;
    expect(request!.state).toBe("identity-check");
    reference = request!.reference;
    const requestId = request!.id;

    expect(await findPatients(as("reception"), JANE.shown, "link-request")).toMatchObject({ ok: true, patients: [{ id: janeId }] });
    await step("reception", requestId, { kind: "link", patientId: janeId });
    await deliverAll();
    expect(await getRequestReview(as("reception"), requestId)).not.toBeNull();
    await openRequestQueue(as("reception"), { q: reference });
    expect(await assignRequest(as("reception"), { requestId, assignTo: as("clinician").user.id })).toEqual({ ok: true });
    await getRequestReview(as("clinician"), requestId);
    await step("clinician", requestId, {
      kind: "decide",
      draft: {
        outcome: "opt-out-recorded",
        identityMethod: "record-match",
        counselling: null,
        reason: null,
        otherAccessLevel: null,
        notes: null,
      },
    });
    await step("clinician", requestId, { kind: "mark-actioned" });
    await deliverAll();
    await step("reception", requestId, { kind: "close" });
    const letter = await prepareOutcomeLetter(letterActorOf(as("reception")), requestId, { largePrint: true });
    if (!letter.ok) throw new Error(JSON.stringify(letter.problems));
    expect(await markBatchPrinted(as("reception"), letter.letters.batchId)).toBe(true);
    // Events whose summary names neither the request nor the patient: one worded, one nobody has worded yet.
    await withPractice(a.id, async (tx) => {
      const event = { practiceId: a.id, actorId: as("reception").user.id, actorRole: "reception", subjectType: "request", subjectId: requestId };
      await appendAuditEvent(tx, { ...event, action: "request.outcome-message-cancelled", summary: {} });
      await appendAuditEvent(tx, { ...event, action: "request.escalated", summary: { urgency: "high", toWhom: as("clinician").user.id } });
    });
    expect(await viewPatient(as("manager"), JANE.nhsNumber)).toMatchObject({ kind: "found" });

    // Events about other patients and in another practice, which must not show in Jane's trail.
    expect(await viewPatient(as("manager"), KIM.nhsNumber)).toMatchObject({ kind: "found" });
    await findPatients(as("reception"), "Lovelace", "enter-request");
    expect(await viewPatient(managerOfB, JANE.nhsNumber)).toMatchObject({ kind: "found" });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    transport?.close();
    await sink?.close();
    await db?.drop();
  });

  it("lists every step of her request, her messages and her letter, in plain words and in order, and nothing else", async () => {
    const result = await trail(as("manager"), { patient: JANE.shown });
    expect(result.patient).toEqual({ nhsNumber: JANE.nhsNumber });
    const announcement = "“Opt-out model announcement”";
    const outcome = "“Outcome: opt-out recorded”";
    const R = `request ${reference}`;
    const expected = [
      `The portal queued the email ${announcement} to jane@example.org, from a campaign.`,
      `Mo Manager (manager) created the campaign ${announcement}: 1 email and 0 letters.`,
      `Mo Manager (manager) started sending the campaign ${announcement}, outside sending hours if need be.`,
      `The outbox sent the email ${announcement} to jane@example.org, from a campaign.`,
      `The patient sent ${R} to opt out of online access, through the online form; the details matched a patient only in part, so who sent it is to be checked.`,
      `Rita Reception (reception) searched for patients by NHS number ${JANE.shown} to link a request (1 found).`,
      `The portal queued the email “Request received” to jane@example.org, about ${R}.`,
      `Rita Reception (reception) linked ${R} to patient ${JANE.shown} (the details given matched only in part).`,
      `The outbox sent the email “Request received” to jane@example.org, about ${R}.`,
      `Rita Reception (reception) viewed ${R} (patient ${JANE.shown}).`,
      `Rita Reception (reception) searched the requests for reference ${reference} (1 found).`,
      `Rita Reception (reception) assigned ${R} to Dr Ann Lee.`,
      `Dr Ann Lee (clinician) viewed ${R} (patient ${JANE.shown}).`,
      `Dr Ann Lee (clinician) decided ${R}: opt-out recorded (code 103 to enter, no online access). Identity: details matched the record.`,
      `The portal queued the email ${outcome} to jane@example.org, about ${R}.`,
      `Dr Ann Lee (clinician) marked ${R} done in the clinical system; the outcome email to the patient was queued.`,
      `The outbox sent the email ${outcome} to jane@example.org, about ${R}.`,
      `Rita Reception (reception) recorded that the patient was told the outcome of ${R}, and closed it.`,
      `The portal listed the letter ${outcome} to be printed, about ${R}.`,
      `Rita Reception (reception) produced the letter ${outcome} for patient ${JANE.shown}, in large print.`,
      `Rita Reception (reception) marked a batch of letters as printed.`,
      `Rita Reception (reception) cancelled the outcome message of ${R} before it was sent.`,
      `Rita Reception (reception): request escalated, ${R} (to whom: Dr Ann Lee; urgency: high).`,
      `Mo Manager (manager) looked at the record of patient ${JANE.shown}.`,
    ];
    // The trail is newest first; read oldest first, it is her story.
    expect(sentences(result.events).reverse()).toEqual(expected);
    expect(result.total).toBe(expected.length);
    expect(result.events.every((e) => !/[{}[\]]/.test(e.sentence))).toBe(true);

    // Looking at her trail is itself part of it, next time.
    const again = await trail(as("manager"), { patient: JANE.nhsNumber });
    expect(again.events[0]!.sentence).toBe(`Mo Manager (manager) looked at the audit trail of patient ${JANE.shown}.`);
    expect(sentences(again.events).slice(1)).toEqual(sentences(result.events));
  });

  it("finds nothing of hers under another patient, and nothing of another practice's patient with her NHS number", async () => {
    const kim = sentences((await trail(as("manager"), { patient: KIM.nhsNumber })).events);
    expect(kim.length).toBeGreaterThan(0);
    expect(kim.filter((s) => s.includes("9434765919") || s.includes(JANE.shown) || s.includes(reference) || s.includes("jane@"))).toEqual([]);

    const elsewhere = await trail(managerOfB, { patient: JANE.nhsNumber });
    expect(sentences(elsewhere.events)).toEqual([`Bea Elsewhere (manager) looked at the record of patient ${JANE.shown}.`]);
  });

  it("filters her trail by who and what as well", async () => {
    const byClinician = await trail(as("manager"), { patient: JANE.nhsNumber, actorId: as("clinician").user.id });
    expect(byClinician.events.map((e) => e.action).reverse()).toEqual(["request.viewed", "request.decided", "request.actioned"]);
    const sent = await trail(as("manager"), { patient: JANE.nhsNumber, action: "message.sent" });
    expect(sent.events).toHaveLength(3);
    expect(sent.actions).toEqual(expect.arrayContaining(["message.queued", "message.sent", "request.decided"]));
  });

  it("pages through her trail, newer and older, without losing or repeating an entry", async () => {
    const all = sentences((await trail(as("manager"), { patient: JANE.nhsNumber })).events);
    const pages: AuditTrailPage[] = [await trail(as("manager"), { patient: JANE.nhsNumber }, 5)];
    expect(pages[0]!.newer).toBeNull();
    while (pages.at(-1)!.older) {
      const page = await trail(as("manager"), { patient: JANE.nhsNumber, before: pages.at(-1)!.older! }, 5);
      expect(page.newer).not.toBeNull();
      pages.push(page);
    }
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.slice(0, -1).every((p) => p.events.length === 5)).toBe(true);
    // The first page begins with the look just before it; after that, the trail as it was.
    const walked = pages.flatMap((p) => sentences(p.events));
    expect(walked[0]).toMatch(/^Mo Manager \(manager\) looked at the audit trail of patient/);
    expect(walked.slice(1)).toEqual(all);
    expect(new Set(pages.flatMap((p) => p.events.map((e) => e.key))).size).toBe(walked.length);

    // Back again: each newer page is the page that was shown before it.
    for (let i = pages.length - 1; i > 0; i--) {
      const previous = await trail(as("manager"), { patient: JANE.nhsNumber, after: pages[i]!.newer! }, 5);
      expect(previous.events.map((e) => e.key)).toEqual(pages[i - 1]!.events.map((e) => e.key));
      expect(previous.older).not.toBeNull();
    }
  });

  it("downloads the same entries as a CSV, all pages of them, with the same sentences", async () => {
    const shown = await trail(as("manager"), { patient: JANE.nhsNumber }, 5);
    const csv = await auditTrailCsv(as("manager"), { patient: JANE.shown });
    if (!csv.ok) throw new Error("the CSV was refused");
    expect(csv.filename).toBe(`audit-trail-A83001-${JANE.nhsNumber}-${today}.csv`);
    const [header, ...rows] = parse(csv.csv) as string[][];
    expect(header).toEqual(auditContent.csvHeader);
    const everything = await trail(as("manager"), { patient: JANE.nhsNumber });
    // The CSV was made just before the last look, which is the newest entry now.
    expect(rows.map((r) => r[3])).toEqual(sentences(everything.events).slice(1));
    expect(rows.length).toBeGreaterThan(shown.events.length);
    const decided = rows.find((r) => r[4] === "Request decided")!;
    expect(decided.slice(1, 3)).toEqual(["Dr Ann Lee", "clinician"]);
    expect(decided[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(rows.find((r) => r[4] === "Email sent")?.slice(1, 3)).toEqual(["The outbox", "system"]);
    const [audited] = await db.admin<{ summary: { rows: number; patientId: string } }[]>`
      select summary from audit_events where action = 'audit.downloaded' order by id desc limit 1`;
    expect(audited!.summary).toMatchObject({ rows: rows.length, patientId: janeId });
  });

  it("refuses an NHS number that is not one, naming the problem, and shows nothing", async () => {
    const typo = await trail(as("manager"), { patient: "943 476 5918" });
    expect(typo).toMatchObject({ patientProblem: "check-digit", events: [], total: 0, patient: null });
    expect(await trail(as("manager"), { patient: "94347659" })).toMatchObject({ patientProblem: "format", events: [] });
    expect(await auditTrailCsv(as("manager"), { patient: "943 476 5918" })).toEqual({ ok: false, patientProblem: "check-digit" });
  });
});

describe("the audit page and its CSV over HTTP", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;
  let manager: StaffClient;
  let nhsNumber = "";
  const decode = (html: string) => html.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#x27;", "'");
  const rowsOf = (html: string) => [...html.matchAll(/<span class="nhsuk-u-text-break-word">([^<]*)<\/span>/g)].map((m) => decode(m[1]!));
  const linkOf = (html: string, label: string) => {
    const match = new RegExp(`href="([^"]+)"><span class="nhsuk-pagination__title">${label}`).exec(html);
    return match ? decode(match[1]!) : null;
  };

  beforeAll(async () => {
    app = await startAppUnderTest();
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    const [patient] = await admin<{ nhs_number: string }[]>`
      select nhs_number from patients where registration = 'registered' and not deceased order by nhs_number limit 1`;
    nhsNumber = patient!.nhs_number;
    const person = DEMO_STAFF.find((p) => p.role === "manager")!;
    manager = new StaffClient(app.baseUrl);
    await manager.signIn(person.email, DEMO_PASSWORD, person.totpSecret);
    // More looks at one patient's record than fit on a page.
    for (let i = 0; i < 55; i++) expect((await manager.get(`/staff/patients?nhsNumber=${nhsNumber}`)).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  it("shows 50 entries a page in sentences, pages older and newer, and downloads every page as a CSV", async () => {
    const first = await manager.get(`/staff/audit?patient=${nhsNumber}`);
    expect(first.status).toBe(200);
    const firstHtml = await first.text();
    const page1 = rowsOf(firstHtml);
    expect(page1).toHaveLength(50);
    expect(page1.every((s) => /^Morgan Manager \(manager\) looked at the record of patient \d{3} \d{3} \d{4}\.$/.test(s))).toBe(true);
    expect(firstHtml).not.toContain("nhsNumber&quot;");
    expect(linkOf(firstHtml, "Newer entries")).toBeNull();

    const older = linkOf(firstHtml, "Older entries")!;
    const secondHtml = await (await manager.get(older)).text();
    const page2 = rowsOf(secondHtml);
    expect(page2.length).toBeGreaterThanOrEqual(5);
    expect(linkOf(secondHtml, "Older entries")).toBeNull();
    const backHtml = await (await manager.get(linkOf(secondHtml, "Newer entries")!)).text();
    expect(rowsOf(backHtml)).toEqual(page1);

    const csv = await manager.get(`/staff/audit.csv?patient=${nhsNumber}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="audit-trail-[A-Z0-9]+-${nhsNumber}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // The byte order mark, so that a spreadsheet reads the file as UTF-8.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parse(new TextDecoder().decode(bytes)) as string[][];
    expect(header).toEqual(auditContent.csvHeader);
    // Three looks at the trail came after the pages were first shown; then the same rows.
    const looks = rows.slice(0, 3).map((r) => r[3]);
    expect(looks.every((s) => /^Morgan Manager \(manager\) looked at the audit trail of patient/.test(s!))).toBe(true);
    expect(rows.slice(3).map((r) => r[3])).toEqual([...page1, ...page2]);
  });

  it("names the field and keeps what was typed when the NHS number is not one; the CSV sends staff back to the page", async () => {
    const response = await manager.get("/staff/audit?patient=943+476+5918");
    expect(response.status).toBe(200);
    const html = decode(await response.text());
    expect(html).toContain("<title>Error: Audit trail");
    expect(html).toContain(`<a href="#patient">${auditContent.patientProblems["check-digit"]}</a>`);
    expect(html).toMatch(/<input[^>]*id="patient"[^>]*value="943 476 5918"/);
    expect(rowsOf(html)).toEqual([]);
    const csv = await manager.get("/staff/audit.csv?patient=943+476+5918");
    expect(csv.status).toBe(302);
    expect(csv.headers.get("location")).toBe("/staff/audit?patient=943+476+5918");
  });

  it("refuses the CSV to a receptionist, as it does the page", async () => {
    const person = DEMO_STAFF.find((p) => p.role === "reception")!;
    const reception = new StaffClient(app.baseUrl);
    await reception.signIn(person.email, DEMO_PASSWORD, person.totpSecret);
    expect((await reception.get(`/staff/audit.csv?patient=${nhsNumber}`)).status).toBe(403);
  });
});
