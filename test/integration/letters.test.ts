import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS_WINDOW } from "../../app/domain/letters";
import {
  markBatchPrinted,
  outcomeLetterProblem,
  prepareCampaignLetters,
  prepareOutcomeLetter,
  prepareRegistrationLetters,
  prepareSingleMessageLetter,
  readRegistrationCsv,
  registrationProblems,
  type LetterActor,
  type PreparedResult,
} from "../../app/services/letters.server";
import { createCampaign } from "../../app/services/campaigns.server";
import { resolvePersonalLink } from "../../app/services/personal-links.server";
import { addPractice } from "../../app/services/practices.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { ukLocalDay } from "../../app/domain/calendar";
import { readPdf, type PdfPage } from "../helpers/pdf-text";
import { addReviewPractice, counselledOn, draft, mustStep, receiveRequest, type ReviewPractice } from "../helpers/review-fixtures";
import { runCli } from "../helpers/run-command";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

// Issue 8: letters read back from the PDF (text extraction), each field in the
// right patient's letter; keys never kept; every letter audited; bad input
// refused with nothing produced.

const NOW = new Date("2026-11-21T12:00:00Z");

/** Collects a PDF written to a stream. */
class Collect extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.chunks.push(chunk);
    done();
  }
  get bytes() {
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}

async function writePdf(result: PreparedResult): Promise<PdfPage[]> {
  if (!result.ok) throw new Error(`not prepared: ${JSON.stringify(result.problems)}`);
  const out = new Collect();
  await result.letters.write(out);
  return readPdf(out.bytes);
}

/** The pages of each letter, by the footer every page carries ("Letter 2 of 3, page 1"). */
function letters(pages: PdfPage[]): string[] {
  const byLetter: string[] = [];
  for (const page of pages) {
    const n = Number(/Letter (\d+) of/.exec(page.text)![1]);
    byLetter[n - 1] = (byLetter[n - 1] ?? "") + page.text;
  }
  return byLetter;
}

/** Text as one line: a name broken at a hyphen across two lines reads as one word again. */
const flat = (text: string) => text.replace(/-\s+/g, "-").replace(/\s+/g, " ");

describe("printed letters", () => {
  let db: TestDatabase;
  let emis: LetterActor;
  let tpp: LetterActor;
  let manager: StaffContext;
  const NHS = { welsh: "9434765919", hostile: "9434765870", long: "9434765862", gone: "9434765854", atRisk: "9434765846", plain: "9434765838" };
  const HOSTILE = `=HYPERLINK("http://evil.example","click") <script>alert('x')</script>`;
  const LONG_FAMILY = "Featherstonehaugh-Cholmondeley-Wolstenholme-Postlethwaite-Marjoribanks";

  async function addPatient(practiceId: string, nhs: string, fields: Partial<Record<string, unknown>>) {
    const [row] = await db.admin<{ id: string }[]>`
      insert into patients ${db.admin({
        practice_id: practiceId,
        nhs_number: nhs,
        given_name: "Ann",
        family_name: "Example",
        date_of_birth: "1970-01-01",
        address_line_1: "1 High Street",
        address_line_2: "Leeds",
        postcode: "LS1 4AP",
        ...fields,
      })} returning id`;
    return row!.id;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const a = await addPractice({ odsCode: "L10001", name: "Letterbox Surgery", clinicalSystem: "emis", phone: "0113 496 0001" });
    const b = await addPractice({ odsCode: "L20002", name: "Meddygfa'r Bont", clinicalSystem: "tpp" });
    if (!a.ok || !b.ok) throw new Error("could not add practices");
    const [user] = await db.admin<{ id: string }[]>`insert into staff_users (email, name, status) values ('rhian@example.org', 'Rhian Reception', 'active') returning id`;
    await db.admin`insert into staff_memberships (staff_user_id, practice_id, role) values (${user!.id}, ${a.practice.id}, 'reception')`;
    emis = { practiceId: a.practice.id, staffId: user!.id, role: "reception" };
    tpp = { practiceId: b.practice.id, staffId: null, role: "cli" };
    manager = {
      sessionTokenHash: "unused",
      user: { id: user!.id, name: "Rhian Reception", email: "rhian@example.org" },
      practice: { id: a.practice.id, odsCode: "L10001", name: "Letterbox Surgery", clinicalSystem: "emis", goLiveDate: null },
      role: "reception",
      memberships: [],
      developmentMail: false,
    };
    await addPatient(a.practice.id, NHS.welsh, { given_name: "Siân", family_name: "Llŷr-Ŵyn", address_line_1: "Tŷ Gwyn, 5 Heol y Frenhines", address_line_2: "Caerdydd", postcode: "CF10 1AA" });
    await addPatient(a.practice.id, NHS.hostile, { given_name: "Zoë", family_name: HOSTILE });
    await addPatient(a.practice.id, NHS.long, {
      given_name: "Bartholomew-Maximilian",
      family_name: LONG_FAMILY,
      address_line_1: "Flat 1234, The Very Long Named Residential Development Building",
      address_line_2: "Somewhere Along The Extraordinarily Long Road",
      address_line_3: "Little Snoring-on-the-Marsh",
      address_line_4: "Norfolk",
      large_print: true,
    });
    await addPatient(a.practice.id, NHS.gone, { registration: "deregistered" });
    await addPatient(b.practice.id, NHS.plain, { given_name: "Gethin", family_name: "Jones" });
  });
  afterAll(async () => {
    await db?.drop();
  });

  describe("registration letters", () => {
    const rows = [
      { row: 2, nhsNumber: "943 476 5919", accountId: "1000000001", linkageKey: "AB12-CD34-EF56" },
      { row: 3, nhsNumber: NHS.hostile, accountId: "1000000002", linkageKey: "GH78-IJ90-KL12" },
      { row: 4, nhsNumber: NHS.long, accountId: "1000000003", linkageKey: "MN34-OP56-QR78" },
    ];
    let pages: PdfPage[] = [];
    let batchId = "";

    beforeAll(async () => {
      const prepared = await prepareRegistrationLetters(emis, rows, { largePrint: false }, NOW);
      if (prepared.ok) batchId = prepared.letters.batchId;
      pages = await writePdf(prepared);
    });

    it("puts every field of each patient in that patient's letter, and no one else's", () => {
      const byLetter = letters(pages).map(flat);
      expect(byLetter).toHaveLength(3);
      const expected = [
        { name: "Siân Llŷr-Ŵyn", address: ["Tŷ Gwyn, 5 Heol y Frenhines", "Caerdydd", "CF10 1AA"], account: "1000000001", key: "AB12-CD34-EF56" },
        { name: `Zoë ${HOSTILE}`, address: ["1 High Street", "LS1 4AP"], account: "1000000002", key: "GH78-IJ90-KL12" },
        { name: `Bartholomew-Maximilian ${LONG_FAMILY}`, address: ["Little Snoring-on-the-Marsh", "Norfolk", "LS1 4AP"], account: "1000000003", key: "MN34-OP56-QR78" },
      ];
      expected.forEach((letter, i) => {
        const text = byLetter[i]!;
        expect(text).toContain(`Dear ${letter.name},`);
        for (const line of letter.address) expect(text).toContain(line);
        expect(text).toContain(`Account ID ${letter.account}`);
        expect(text).toContain(`Linkage Key ${letter.key}`);
        expect(text).toContain("ODS code (practice code) L10001");
        expect(text).toContain("Letterbox Surgery");
        expect(text).toContain("Issued on 21 November 2026. These details stop working on 5 December 2026.");
        for (const other of expected.filter((o) => o !== letter)) expect(text).not.toContain(other.key);
      });
    });

    it("sets each address inside the envelope window, however long", () => {
      const window = { left: ADDRESS_WINDOW.left, right: ADDRESS_WINDOW.left + ADDRESS_WINDOW.width, top: ADDRESS_WINDOW.top, bottom: ADDRESS_WINDOW.top + ADDRESS_WINDOW.height };
      const firstPages = pages.filter((p) => /page 1$/m.test(p.text) || p.text.includes(", page 1"));
      expect(firstPages).toHaveLength(3);
      for (const page of firstPages) {
        const postcodeOrTown = page.items.find((i) => ["CF10 1AA", "LS1 4AP"].includes(i.text))!;
        const addressItems = page.items.filter((i) => i.top >= postcodeOrTown.top - 80 && i.top <= postcodeOrTown.top && i.x < window.right);
        for (const item of addressItems) {
          expect(item.x).toBeGreaterThanOrEqual(window.left);
          expect(item.top).toBeGreaterThanOrEqual(window.top);
          expect(item.top + item.size).toBeLessThanOrEqual(window.bottom);
        }
        expect(postcodeOrTown.top + postcodeOrTown.size).toBeLessThanOrEqual(window.bottom);
      }
    });

    it("prints in large print (16 point or more) when the patient's record asks for it", () => {
      const sizeOf = (letter: number, text: string) =>
        pages.filter((p) => p.text.includes(`Letter ${letter} of`)).flatMap((p) => p.items).find((i) => i.text.startsWith(text))!.size;
      expect(sizeOf(1, "Here are the details")).toBeLessThan(16);
      expect(sizeOf(3, "Here are the details")).toBeGreaterThanOrEqual(16);
    });

    it("records and audits each letter (who, when, for whom) and keeps no key or Account ID anywhere", async () => {
      const stored = await db.admin<{ n: number }[]>`select count(*)::int as n from letters where batch_id = ${batchId} and produced_by = ${emis.staffId}`;
      expect(stored[0]!.n).toBe(3);
      const audit = await db.admin<{ actor_id: string; subject_id: string }[]>`
        select actor_id, subject_id from audit_events where action = 'letter.produced' and summary ->> 'batchId' = ${batchId}`;
      expect(audit).toHaveLength(3);
      expect(audit.every((a) => a.actor_id === emis.staffId)).toBe(true);
      const dump = await db.admin<{ text: string }[]>`
        select string_agg(t::text, ' ') as text from (
          select row_to_json(a)::text as t from audit_events a union all select row_to_json(l)::text from letters l
          union all select row_to_json(b)::text from letter_batches b) x`;
      for (const row of rows) {
        expect(dump[0]!.text).not.toContain(row.linkageKey);
        expect(dump[0]!.text).not.toContain(row.accountId);
      }
    });

    it("names the practice's system's word for the key: a SystmOne practice's letter asks for the Passphrase", async () => {
      const pagesTpp = await writePdf(await prepareRegistrationLetters(tpp, [{ row: 2, nhsNumber: NHS.plain, accountId: "77", linkageKey: "correct horse battery staple" }], { largePrint: true }, NOW));
      const text = flat(pagesTpp.map((p) => p.text).join(" "));
      expect(text).toContain("Passphrase correct horse battery staple");
      expect(text).not.toContain("Linkage Key");
      expect(text).toContain("Meddygfa'r Bont");
    });

    it("refuses a batch with any bad row, naming each row and field, and produces and records nothing", async () => {
      const before = await db.admin<{ n: number }[]>`select count(*)::int as n from letters`;
      const result = await prepareRegistrationLetters(
        emis,
        [
          { row: 2, nhsNumber: NHS.welsh, accountId: "1", linkageKey: "k" },
          { row: 3, nhsNumber: "1234567890", accountId: "2", linkageKey: "k" },
          { row: 4, nhsNumber: NHS.gone, accountId: "3", linkageKey: "k" },
          { row: 5, nhsNumber: NHS.welsh, accountId: "4", linkageKey: "" },
          { row: 6, nhsNumber: NHS.plain, accountId: "5", linkageKey: "k" },
          { row: 7, nhsNumber: NHS.welsh, accountId: "6", linkageKey: "k" },
        ],
        { largePrint: false },
        NOW,
      );
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems.map((p) => p.message)).toEqual([
        "Row 3: the NHS number is not valid.",
        "Row 4: Ann Example is no longer registered at the practice.",
        "Row 5: the Linkage Key or passphrase is missing.",
        "Row 6: no patient at the practice has NHS number 943 476 5838.",
        "Row 7: NHS number 943 476 5919 is also on row 2: one letter per patient.",
      ]);
      const after = await db.admin<{ n: number }[]>`select count(*)::int as n from letters`;
      expect(after[0]!.n).toBe(before[0]!.n);
    });

    it("reads the batch file as the clinical systems export it, and names a file that is not one", () => {
      const read = readRegistrationCsv("\uFEFFNHS_Number,Account_ID,Passphrase\r\n943 476 5919,1,correct horse\r\n");
      expect(read).toEqual({ ok: true, rows: [{ row: 2, nhsNumber: "943 476 5919", accountId: "1", linkageKey: "correct horse" }] });
      expect(readRegistrationCsv("name,dob\nAnn,1970")).toMatchObject({ ok: false, problems: [{ row: 1 }] });
      expect(readRegistrationCsv('nhs_number,account_id,linkage_key\n"943,1,2\n')).toMatchObject({ ok: false });
    });
  });

  describe("registration letters refused for patients they could harm", () => {
    // Issue 18: a letter with a Linkage Key was printed for a patient a clinician had just marked
    // confirmed at risk. A registration letter is as good as access: it goes only to a patient of
    // 16 or over, and, for one with an active 104 or confirmed at risk, only once a clinician has
    // granted access. A practice of its own, so these patients join no other test's campaign.
    //
    // A grant counts only while it answers the concerns as they stand: a clinician's, made knowing of
    // the 104, after counselling, marked done in the clinical system, and later than every 104 and
    // every at-risk review. Those grants are made here through the portal's own review steps, now.
    let safe: LetterActor;
    let portal: ReviewPractice;
    const N = {
      adult: "9434765005",
      jane: "9434765013",
      rosa: "9434765021",
      mia: "9434765048",
      grant: "9434765056",
      sam: "9434765064",
      kit: "9434765072",
      rosaGranted: "9434765080",
      theo: "9434765099",
      declined: "9434765102",
      notDone: "9434765110",
      reviewedLater: "9434765129",
    };

    const idOf = async (nhs: string) => {
      const [patient] = await db.admin<{ id: string }[]>`select id from patients where nhs_number = ${nhs} and practice_id = ${safe.practiceId}`;
      return patient!.id;
    };

    async function code(nhs: string, code: "103" | "104" | "106", recordedOn: string) {
      await db.admin`insert into coded_entries (practice_id, patient_id, code, recorded_on, source)
                     select ${safe.practiceId}, id, ${code}, ${recordedOn}, 'seed' from patients where nhs_number = ${nhs} and practice_id = ${safe.practiceId}`;
    }

    async function review(nhs: string, outcome: "confirmed-at-risk" | "not-at-risk", reviewedAt: Date = new Date("2026-11-20T09:00:00Z")) {
      await db.admin`insert into at_risk_reviews (practice_id, patient_id, outcome, reviewed_by, reviewed_at)
                     select ${safe.practiceId}, id, ${outcome}, ${safe.staffId}, ${reviewedAt} from patients where nhs_number = ${nhs} and practice_id = ${safe.practiceId}`;
    }

    /**
     * An opt-in from a patient with a 104, granted by a clinician after counselling today and, unless
     * `done` is false, marked done in the clinical system.
     */
    async function grantAfterCounselling(nhs: string, { done = true } = {}): Promise<string> {
      const { requestId } = await receiveRequest(safe.practiceId, await idOf(nhs), "opt-in");
      await mustStep(db, portal.as("reception"), requestId, { kind: "move", to: "clinician-review" });
      await mustStep(db, portal.as("clinician"), requestId, { kind: "decide", draft: draft("granted", { counselling: counselledOn(ukLocalDay(new Date())) }) });
      if (done) await mustStep(db, portal.as("reception"), requestId, { kind: "mark-actioned" });
      return requestId;
    }

    /** A grant to a child (the portal would refuse it), written straight into the tables, every other condition met. */
    async function childGrant(nhs: string) {
      const [request] = await db.admin<{ id: string }[]>`
        insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel, had_active_104)
        values (${safe.practiceId}, 'RQ-SAFE-KIDS', 'opt-in', 'actioned', ${await idOf(nhs)}, 'full', 'phone', true) returning id`;
      await db.admin`
        insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, had_active_104,
                               counselled_on, counselling_method, counselling_held_by, counselling_note, decided_by, decided_at, actioned_at, actioned_by)
        values (${safe.practiceId}, ${request!.id}, ${await idOf(nhs)}, 'granted', null, 'prospective-record', 'record-match', true,
                '2026-11-10', 'in-person', 'Dr Okafor', 'Talked through what the record holds.', ${safe.staffId}, '2026-11-12T10:00:00Z',
                '2026-11-12T11:00:00Z', ${safe.staffId})`;
    }

    const counts = async () => {
      const [row] = await db.admin<{ letters: number; batches: number; audit: number }[]>`
        select (select count(*)::int from letters where practice_id = ${safe.practiceId}) as letters,
               (select count(*)::int from letter_batches where practice_id = ${safe.practiceId}) as batches,
               (select count(*)::int from audit_events where practice_id = ${safe.practiceId} and action = 'letter.produced') as audit`;
      return row!;
    };

    const one = (nhsNumber: string) => [{ row: 2, nhsNumber, accountId: "2000000001", linkageKey: "ZZ11-YY22-XX33" }];
    const messagesOf = (result: PreparedResult) => (result.ok ? [] : result.problems.map((p) => p.message));
    const JANE = "Row 3: Jane Smith cannot be sent a registration letter: they have an active 104, so a clinician must grant access before a registration letter is sent.";
    const ROSA = "Row 4: Rosa Reyes cannot be sent a registration letter: a clinician has confirmed them at risk in the at-risk review, so a clinician must grant access before a registration letter is sent.";
    const MIA = "Row 5: Mia Patel cannot be sent a registration letter: they are under 16, and online access for under-16s (and proxy access) is arranged through the clinical system's own process, not with this letter.";

    beforeAll(async () => {
      portal = await addReviewPractice("L30003", "Safe Letters Surgery");
      safe = { practiceId: portal.id, staffId: portal.as("reception").user.id, role: "reception" };
      await addPatient(safe.practiceId, N.adult, { given_name: "Olu", family_name: "Adeyemi" });
      await addPatient(safe.practiceId, N.jane, { given_name: "Jane", family_name: "Smith" });
      await addPatient(safe.practiceId, N.rosa, { given_name: "Rosa", family_name: "Reyes" });
      // 16 on 22 November 2026: the letters below are produced on the 21st.
      await addPatient(safe.practiceId, N.mia, { given_name: "Mia", family_name: "Patel", date_of_birth: "2010-11-22" });
      await addPatient(safe.practiceId, N.grant, { given_name: "Grace", family_name: "Granted" });
      await addPatient(safe.practiceId, N.sam, { given_name: "Sam", family_name: "Superseded" });
      await addPatient(safe.practiceId, N.kit, { given_name: "Kit", family_name: "Young", date_of_birth: "2011-03-01" });
      await addPatient(safe.practiceId, N.rosaGranted, { given_name: "Rhona", family_name: "Reviewed" });
      // The command line produces letters on the real day: ten years old whenever the tests run.
      await addPatient(safe.practiceId, N.theo, { given_name: "Theo", family_name: "Little", date_of_birth: `${new Date().getUTCFullYear() - 10}-01-01` });
      await addPatient(safe.practiceId, N.declined, { given_name: "Dee", family_name: "Declined" });
      await addPatient(safe.practiceId, N.notDone, { given_name: "Nia", family_name: "Notyet" });
      await addPatient(safe.practiceId, N.reviewedLater, { given_name: "Ray", family_name: "Later" });
      await code(N.jane, "104", "2024-01-01");
      // Rosa's 104 was lifted by a 106, yet the clinician's review confirms her at risk: the review wins.
      await code(N.rosa, "104", "2024-01-01");
      await code(N.rosa, "106", "2024-06-01");
      await review(N.rosa, "confirmed-at-risk");
      await code(N.grant, "104", "2024-01-01");
      await grantAfterCounselling(N.grant);
      await code(N.sam, "104", "2024-01-01");
      const corrected = await grantAfterCounselling(N.sam);
      await mustStep(db, portal.as("clinician"), corrected, { kind: "reopen", reason: "Counselling note belongs to another patient" });
      await childGrant(N.kit);
      await code(N.rosaGranted, "104", "2024-01-01");
      await review(N.rosaGranted, "confirmed-at-risk");
      await grantAfterCounselling(N.rosaGranted);
      await review(N.adult, "not-at-risk");
    });

    it("refuses a batch with a patient with an active 104, one confirmed at risk and one under 16, naming each row and patient, and records nothing", async () => {
      const before = await counts();
      const result = await prepareRegistrationLetters(
        safe,
        [
          { row: 2, nhsNumber: N.adult, accountId: "2000000001", linkageKey: "AA11-BB22-CC33" },
          { row: 3, nhsNumber: N.jane, accountId: "2000000002", linkageKey: "DD44-EE55-FF66" },
          { row: 4, nhsNumber: N.rosa, accountId: "2000000003", linkageKey: "GG77-HH88-II99" },
          { row: 5, nhsNumber: N.mia, accountId: "2000000004", linkageKey: "JJ11-KK22-LL33" },
        ],
        { largePrint: false },
        NOW,
      );
      expect(result.ok).toBe(false);
      expect(messagesOf(result)).toEqual([JANE, ROSA, MIA]);
      expect(await counts()).toEqual(before);
    });

    it("refuses each of them as one letter too, as the page checks it, and records nothing", async () => {
      const before = await counts();
      for (const [nhs, message] of [[N.jane, JANE], [N.rosa, ROSA], [N.mia, MIA]] as const) {
        const expected = message.replace(/^Row \d+/, "Row 2");
        expect(messagesOf(await prepareRegistrationLetters(safe, one(nhs), { largePrint: false }, NOW))).toEqual([expected]);
        expect((await registrationProblems(safe, one(nhs), NOW)).map((p) => p.message)).toEqual([expected]);
      }
      expect(await counts()).toEqual(before);
    });

    it("gives the letter to a patient with an active 104 or confirmed at risk once a clinician's grant after counselling is done", async () => {
      const before = await counts();
      const result = await prepareRegistrationLetters(
        safe,
        [
          { row: 2, nhsNumber: N.grant, accountId: "2000000005", linkageKey: "MM44-NN55-OO66" },
          { row: 3, nhsNumber: N.rosaGranted, accountId: "2000000006", linkageKey: "PP77-QQ88-RR99" },
          { row: 4, nhsNumber: N.adult, accountId: "2000000007", linkageKey: "SS11-TT22-UU33" },
        ],
        { largePrint: false },
        new Date(),
      );
      const text = letters(await writePdf(result)).map(flat);
      expect(text).toHaveLength(3);
      expect(text[0]).toContain("Dear Grace Granted,");
      expect(text[0]).toContain("Linkage Key MM44-NN55-OO66");
      expect(text[1]).toContain("Dear Rhona Reviewed,");
      expect(text[2]).toContain("Dear Olu Adeyemi,");
      const after = await counts();
      expect(after.letters).toBe(before.letters + 3);
      expect(after.audit).toBe(before.audit + 3);
    });

    const problemsOf = async (nhs: string) => (await registrationProblems(safe, one(nhs), new Date())).map((p) => p.message);
    const active104 = (name: string) => `Row 2: ${name} cannot be sent a registration letter: they have an active 104, so a clinician must grant access before a registration letter is sent.`;

    it("counts a grant made without knowing of a 104 recorded after it for nothing", async () => {
      // A patient who had declined (103) asks for access: reception may grant it, as she has no 104.
      await code(N.declined, "103", "2025-03-01");
      const { requestId } = await receiveRequest(safe.practiceId, await idOf(N.declined), "opt-in");
      await mustStep(db, portal.as("reception"), requestId, { kind: "decide", draft: draft("granted") });
      await mustStep(db, portal.as("reception"), requestId, { kind: "mark-actioned" });
      expect(await problemsOf(N.declined)).toEqual([]);
      // The next import shows a 104 recorded today, after the grant: no one counselled her about it.
      await code(N.declined, "104", ukLocalDay(new Date()));
      expect(await problemsOf(N.declined)).toEqual([active104("Dee Declined")]);
    });

    it("counts a clinician's grant after counselling only once it is done in the clinical system", async () => {
      await code(N.notDone, "104", "2024-01-01");
      const requestId = await grantAfterCounselling(N.notDone, { done: false });
      expect(await problemsOf(N.notDone)).toEqual([active104("Nia Notyet")]);
      await mustStep(db, portal.as("reception"), requestId, { kind: "mark-actioned" });
      expect(await problemsOf(N.notDone)).toEqual([]);
    });

    it("counts a grant for nothing once a clinician's at-risk review after it confirms the patient at risk", async () => {
      await code(N.reviewedLater, "104", "2024-01-01");
      await grantAfterCounselling(N.reviewedLater);
      expect(await problemsOf(N.reviewedLater)).toEqual([]);
      await review(N.reviewedLater, "confirmed-at-risk", new Date());
      expect(await problemsOf(N.reviewedLater)).toEqual([
        "Row 2: Ray Later cannot be sent a registration letter: a clinician has confirmed them at risk in the at-risk review, so a clinician must grant access before a registration letter is sent.",
      ]);
    });

    it("counts a grant that was corrected (superseded) for nothing", async () => {
      expect(messagesOf(await prepareRegistrationLetters(safe, one(N.sam), { largePrint: false }, NOW))).toEqual([
        "Row 2: Sam Superseded cannot be sent a registration letter: they have an active 104, so a clinician must grant access before a registration letter is sent.",
      ]);
    });

    it("refuses anyone under 16 on the day the letter is produced, whatever was decided, and not the day they turn 16", async () => {
      expect(messagesOf(await prepareRegistrationLetters(safe, one(N.kit), { largePrint: false }, NOW))).toEqual([
        "Row 2: Kit Young cannot be sent a registration letter: they are under 16, and online access for under-16s (and proxy access) is arranged through the clinical system's own process, not with this letter.",
      ]);
      const birthday = new Date("2026-11-22T09:00:00Z");
      expect(await registrationProblems(safe, one(N.mia), birthday)).toEqual([]);
      const text = flat((await writePdf(await prepareRegistrationLetters(safe, one(N.mia), { largePrint: false }, birthday))).map((p) => p.text).join(" "));
      expect(text).toContain("Dear Mia Patel,");
    });

    it("refuses them from the command line as well, naming each row, with nothing written", async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "letters-safe-"));
      const file = path.join(dir, "batch.csv");
      await writeFile(file, `nhs_number,account_id,linkage_key\n${N.adult},1,K1\n${N.jane},2,K2\n${N.rosa},3,K3\n${N.theo},4,K4\n`);
      const out = path.join(dir, "out.pdf");
      const refused = await runCli(["letters", "registration", "--practice", "L30003", file, "-o", out], { DATABASE_URL: db.url });
      expect(refused.code).toBe(1);
      for (const line of [JANE, ROSA, MIA.replace("Mia Patel", "Theo Little")]) expect(refused.stderr).toContain(line);
      await expect(readFile(out)).rejects.toThrow();
    });
  });

  describe("postal messages", () => {
    it("gives a campaign's patients with no email the message by post, each with a personal link that works", async () => {
      const campaign = await createCampaign({ practiceId: emis.practiceId, templateKey: "opt-out-announcement", actor: { id: emis.staffId, role: "manager" }, now: NOW });
      expect(campaign.letters).toBe(3);
      const prepared = await prepareCampaignLetters(emis, campaign.id, { largePrint: false }, NOW);
      const pages = await writePdf(prepared!);
      const byLetter = letters(pages).map(flat);
      // Siân, Zoë and Bartholomew have no email; Ann (deregistered) is not written to.
      expect(byLetter).toHaveLength(3);
      expect(byLetter.join(" ")).not.toContain("Dear Ann,");
      const sian = byLetter.find((t) => t.includes("Dear Siân,"))!;
      expect(sian).toContain("Tŷ Gwyn, 5 Heol y Frenhines");
      expect(sian).toContain("If you do not want this");
      const link = /(http\S+\/r\/(\S+))/.exec(sian)!;
      const holder = await resolvePersonalLink(link[2]!, NOW);
      const [patient] = await db.admin<{ id: string }[]>`select id from patients where nhs_number = ${NHS.welsh}`;
      expect(holder).toMatchObject({ practiceId: emis.practiceId, patientId: patient!.id });
    });

    it("sends one patient the invitation only under the campaign's rules: not without an active 104", async () => {
      const refused = await prepareSingleMessageLetter(emis, { nhsNumber: NHS.welsh, templateKey: "opt-in-invitation", largePrint: false }, NOW);
      expect(refused).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining("no active 104") }] });
      const pages = await writePdf(await prepareSingleMessageLetter(emis, { nhsNumber: NHS.welsh, templateKey: "opt-out-announcement", largePrint: true }, NOW));
      expect(pages.length).toBeGreaterThanOrEqual(1);
      expect(pages[0]!.items.find((i) => i.text.startsWith("Dear Siân"))!.size).toBeGreaterThanOrEqual(16);
    });

    it("tells a patient with no email the outcome of their request by post, under the same rules as the email", async () => {
      /**
       * A request decided on 19 November; when `done`, marked done in the clinical system on the 20th,
       * with the outcome letter queued then, as the portal does for a patient with no email.
       */
      const decided = async (nhsNumber: string, outcome: "opt-out-recorded" | "rejected-unverified", { done = true } = {}) => {
        const [patient] = await db.admin<{ id: string }[]>`select id from patients where nhs_number = ${nhsNumber}`;
        const [request] = await db.admin<{ id: string }[]>`
          insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
          values (${emis.practiceId}, ${`RQ-LTTR-${nhsNumber.slice(-4).replace(/[01]/g, "2")}`}, 'opt-out', ${done ? "actioned" : "decided"}, ${patient!.id}, 'full', 'phone') returning id`;
        const optedOut = outcome === "opt-out-recorded";
        const [decision] = await db.admin<{ id: string }[]>`
          insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, decided_by, decided_at, actioned_at, actioned_by)
          values (${emis.practiceId}, ${request!.id}, ${patient!.id}, ${outcome}, ${optedOut ? "103" : null}, ${optedOut ? "none" : null}, 'record-match', ${emis.staffId},
                  '2026-11-19T10:00:00Z', ${done && optedOut ? "2026-11-20T10:00:00Z" : null}, ${done && optedOut ? emis.staffId : null}) returning id`;
        if (done && optedOut) {
          const [message] = await db.admin<{ id: string }[]>`
            insert into messages (practice_id, request_id, patient_id, channel, template_key, variables)
            values (${emis.practiceId}, ${request!.id}, ${patient!.id}, 'letter', 'outcome-opt-out-recorded', ${db.admin.json({ date: "20 November 2026" })}) returning id`;
          await db.admin`update decisions set outcome_message_id = ${message!.id} where id = ${decision!.id}`;
        }
        return request!.id;
      };
      const sian = await decided(NHS.welsh, "opt-out-recorded");
      const text = flat((await writePdf(await prepareOutcomeLetter(emis, sian, { largePrint: false }, NOW))).map((p) => p.text).join(" "));
      expect(text).toContain("Dear Siân,");
      expect(text).toContain("We have recorded that you do not want online access to your GP record. This applies from 20 November 2026.");
      expect(text).toContain("CF10 1AA");
      const [message] = await db.admin<{ channel: string; template_key: string; links: number }[]>`
        select m.channel, m.template_key, (select count(*)::int from personal_links l where l.message_id = m.id) as links
        from messages m where m.request_id = ${sian}`;
      expect(message).toEqual({ channel: "letter", template_key: "outcome-opt-out-recorded", links: 0 });

      const unverified = await decided(NHS.hostile, "rejected-unverified");
      expect(await outcomeLetterProblem(emis, unverified)).toBe("This request has no outcome to tell the patient by letter.");
      // Told only when it is true: nothing before the change is done in the clinical system.
      const notDone = await decided(NHS.long, "opt-out-recorded", { done: false });
      expect(await prepareOutcomeLetter(emis, notDone, { largePrint: false }, NOW)).toMatchObject({
        ok: false,
        problems: [{ message: "The patient is told once the change is marked done in the clinical system: there is nothing to tell them yet." }],
      });
    });

    it("marks a batch printed once, audited", async () => {
      const [batch] = await db.admin<{ id: string }[]>`select id from letter_batches where practice_id = ${emis.practiceId} order by produced_at limit 1`;
      expect(await markBatchPrinted(manager, batch!.id, NOW)).toBe(true);
      expect(await markBatchPrinted(manager, batch!.id, NOW)).toBe(false);
      const [row] = await db.admin<{ status: string }[]>`select distinct status from letters where batch_id = ${batch!.id}`;
      expect(row!.status).toBe("printed");
      const audit = await db.admin`select 1 from audit_events where action = 'letters.printed' and subject_id = ${batch!.id}`;
      expect(audit).toHaveLength(1);
    });
  });

  describe("the letters command", () => {
    it("writes a batch file's letters to -o, and refuses a bad file naming its rows with nothing written", async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "letters-"));
      const good = path.join(dir, "good.csv");
      await writeFile(good, `nhs_number,account_id,linkage_key\n${NHS.welsh},555,KEY-ONE\n${NHS.hostile},556,KEY-TWO\n`);
      const out = path.join(dir, "out.pdf");
      const ok = await runCli(["letters", "registration", "--practice", "l10001", good, "-o", out], { DATABASE_URL: db.url });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toBe(`Wrote 2 letters (2 pages) to ${out}.\n`);
      const text = flat((await readPdf(new Uint8Array(await readFile(out)))).map((p) => p.text).join(" "));
      expect(text).toContain("Linkage Key KEY-ONE");
      expect(text).toContain("Linkage Key KEY-TWO");

      const bad = path.join(dir, "bad.csv");
      await writeFile(bad, `nhs_number,account_id,linkage_key\n${NHS.welsh},555,\n`);
      const badOut = path.join(dir, "bad.pdf");
      const refused = await runCli(["letters", "registration", "--practice", "L10001", bad, "-o", badOut], { DATABASE_URL: db.url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("Row 2: the Linkage Key or passphrase is missing.");
      await expect(readFile(badOut)).rejects.toThrow();
    });
  });
});
