import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, randomToken } from "../../app/auth/tokens.server";
import { answerRows } from "../../app/content/request-answers";
import { requestErrors } from "../../app/content/requests";
import { ukLocalDay } from "../../app/domain/calendar";
import { MINIMUM_ANSWER_MS } from "../../app/services/patient-requests.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";

// The patient request journeys over real HTTP, against the built app and a
// fresh database. Every POST here comes from one address, so the file stays
// under the per-address limit (30 an hour).

let app: AppUnderTest;
let admin: postgres.Sql;
let practiceA: string;
let practiceB: string;
let ann: string; // practice A, with an email on record
let bob: string; // practice B

const ANN = {
  givenName: "Ann",
  familyName: "Example",
  dateOfBirthDay: "15",
  dateOfBirthMonth: "3",
  dateOfBirthYear: "1984",
  postcode: "ls1 4ap",
  nhsNumber: "943 476 5919",
  email: "typed@elsewhere.example",
  mobile: "",
};
const OPT_OUT = { optOutScope: "no-online-access" };

async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = { origin: app.baseUrl }) {
  return fetch(app.baseUrl + path, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    redirect: "manual",
  });
}

/** Sends a whole online request from the check-your-answers page; returns the 302 and the page it leads to. */
async function sendOnline(details: Record<string, string>, kind = "opt-out", answers: Record<string, string> = OPT_OUT) {
  const response = await post(`/requests/new?practice=TSTA1&kind=${kind}`, { step: "check", intent: "submit", website: "", ...details, ...answers });
  const location = response.headers.get("location") ?? "";
  const page = await fetch(app.baseUrl + location);
  const reference = /ref=(RQ-[A-Z0-9]{4}-[A-Z0-9]{4})$/.exec(location)?.[1] ?? "";
  return { status: response.status, body: await response.text(), location, reference, pageStatus: page.status, page: await page.text() };
}

/** A page with the parts that differ on every response (the reference, the CSP nonce) blanked. */
const neutral = (html: string) => html.replace(/RQ-[A-Z0-9]{4}-[A-Z0-9]{4}/g, "RQ-XXXX-XXXX").replace(/nonce="[^"]+"/g, 'nonce=""');

async function makeLink(practiceId: string, patientId: string, expiresAt: Date): Promise<string> {
  const token = randomToken();
  const [message] = await admin`
    insert into messages (practice_id, patient_id, channel, template_key, status)
    values (${practiceId}, ${patientId}, 'email', 'opt-out-announcement', 'sent') returning id`;
  await admin`
    insert into personal_links (practice_id, patient_id, message_id, token_hash, expires_at)
    values (${practiceId}, ${patientId}, ${message!.id}, ${hashToken(token)}, ${expiresAt.toISOString()})`;
  return token;
}

beforeAll(async () => {
  app = await startAppUnderTest();
  admin = postgres(app.databaseUrl, { max: 2, onnotice: () => {} });
  [{ id: practiceA }] = await admin`insert into practices (ods_code, name, clinical_system) values ('TSTA1', 'Alpha Surgery', 'emis') returning id`;
  [{ id: practiceB }] = await admin`insert into practices (ods_code, name, clinical_system) values ('TSTB1', 'Beta Surgery', 'emis') returning id`;
  [{ id: ann }] = await admin`
    insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, postcode, email)
    values (${practiceA}, '9434765919', 'Ann', 'Example', '1984-03-15', 'LS1 4AP', 'ann@record.example') returning id`;
  [{ id: bob }] = await admin`
    insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, postcode)
    values (${practiceB}, '4010232137', 'Bob', 'Other', '1970-01-02', 'M1 1AA') returning id`;
});

afterAll(async () => {
  await admin?.end();
  await app?.stop();
});

describe("online requests", () => {
  it("answers a matched, an unmatched and a wrong-date-of-birth request identically, apart from the reference", async () => {
    const matched = await sendOnline(ANN);
    const unmatched = await sendOnline({ ...ANN, givenName: "Zed", familyName: "Nobody", nhsNumber: "", postcode: "M2 2BB" });
    const wrongDob = await sendOnline({ ...ANN, dateOfBirthDay: "16" });
    for (const r of [matched, unmatched, wrongDob]) {
      expect(r.status).toBe(302);
      expect(r.location).toMatch(/^\/requests\/sent\?ref=RQ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
      expect(r.pageStatus).toBe(200);
      expect(r.page).toContain(r.reference);
    }
    expect(unmatched.body).toBe(matched.body);
    expect(wrongDob.body).toBe(matched.body);
    expect(neutral(unmatched.page)).toBe(neutral(matched.page));
    expect(neutral(wrongDob.page)).toBe(neutral(matched.page));

    const rows = await admin`select reference, state, patient_id, identity_match, channel from requests where practice_id = ${practiceA} order by received_at`;
    expect(rows.map((r) => [r.reference, r.state, r.patient_id, r.identity_match, r.channel])).toEqual([
      [matched.reference, "triage", ann, "full", "online-form"],
      [unmatched.reference, "identity-check", null, "none", "online-form"],
      [wrongDob.reference, "identity-check", null, "partial", "online-form"],
    ]);
    const [partial] = await admin`select s.answers from request_submissions s join requests r on r.id = s.request_id where r.reference = ${wrongDob.reference}`;
    expect(partial!.answers.identity).toEqual({ match: "partial", candidateIds: [ann], reasons: ["The date of birth did not match."] });
    const audits = await admin`select action, summary from audit_events where practice_id = ${practiceA} and action = 'request.received'`;
    expect(audits).toHaveLength(3);
    expect(JSON.stringify(audits)).not.toContain("typed@elsewhere.example");
  });

  it("queues one confirmation, to the email on record, and joins a second request of the same kind", async () => {
    const [request] = await admin`select id, reference from requests where patient_id = ${ann} and kind = 'opt-out'`;
    const queued = await admin`select to_address, variables, request_id, channel, campaign_id from messages where template_key = 'request-received'`;
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ to_address: "ann@record.example", request_id: request!.id, channel: "email", campaign_id: null });
    expect(queued[0]!.variables.reference).toBe(request!.reference);
    expect(queued[0]!.variables.date).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);

    await sendOnline({ ...ANN, email: "", mobile: "07700 900982" });
    const requests = await admin`select id from requests where patient_id = ${ann} and kind = 'opt-out'`;
    expect(requests).toHaveLength(1);
    const [count] = await admin`select count(*)::int as n from request_submissions where request_id = ${request!.id}`;
    expect(count!.n).toBe(2);
    expect(await admin`select id from messages where template_key = 'request-received'`).toHaveLength(1);
  });

  it("makes a new request, never a join, once the earlier one has been decided", async () => {
    const [earlier] = await admin`select id from requests where patient_id = ${ann} and kind = 'opt-out'`;
    // Staff decide it (only its state matters to a new submission).
    await admin`update requests set state = 'decided' where id = ${earlier!.id}`;
    const [decided] = await admin`select state, version from requests where id = ${earlier!.id}`;

    const sent = await sendOnline(ANN, "opt-out", { optOutScope: "keep-appointments-and-prescriptions" });
    expect(sent.status).toBe(302);
    const rows = await admin`select id, state, version from requests where patient_id = ${ann} and kind = 'opt-out' order by received_at`;
    expect(rows.map((r) => [r.id === earlier!.id, r.state])).toEqual([
      [true, "decided"],
      [false, "triage"],
    ]);
    expect(rows[0]).toMatchObject({ version: decided!.version });
    const [count] = await admin`select count(*)::int as n from request_submissions where request_id = ${earlier!.id}`;
    expect(count!.n).toBe(2);
    // The new request is one of its own: she is told it arrived, under its own reference.
    const received = await admin`select request_id from messages where template_key = 'request-received' order by created_at`;
    expect(received.map((m) => m.request_id)).toEqual([earlier!.id, rows[1]!.id]);
  });

  it("refuses the sixth failed attempt for one identity within an hour, with the same page, storing nothing", async () => {
    const stranger = { ...ANN, givenName: "Eve", familyName: "Guess", nhsNumber: "", dateOfBirthYear: "1950", postcode: "B1 1AA" };
    const pages: string[] = [];
    for (let i = 0; i < 6; i += 1) pages.push(neutral((await sendOnline({ ...stranger, postcode: `B${i + 1} 1AA` })).page));
    const stored = await admin`select s.id from request_submissions s where s.answers->'answers'->>'familyName' = 'Guess'`;
    expect(stored).toHaveLength(5);
    expect(new Set(pages).size).toBe(1);
    const refused = await admin`select summary from audit_events where action = 'request.refused-throttled'`;
    expect(refused).toHaveLength(1);
    expect(refused[0]!.summary).toMatchObject({ reason: "identity", kind: "opt-out" });
  });

  it("stores hostile text verbatim and shows it escaped", async () => {
    const hostile = { ...ANN, givenName: `<script>alert("x")</script>`, familyName: `O'Brien "\u202Eevil\u202C"` };
    const check = await post("/requests/new?practice=TSTA1&kind=opt-out", { step: "questions", ...hostile, ...OPT_OUT });
    expect(check.status).toBe(200);
    const html = await check.text();
    expect(html).toContain("Check your answers");
    expect(html).not.toContain(`<script>alert`);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    await sendOnline(hostile);
    const [row] = await admin`select answers from request_submissions where answers->'answers'->>'givenName' like '<script>%'`;
    expect(row!.answers.answers.givenName).toBe(hostile.givenName);
    expect(row!.answers.answers.familyName).toBe(hostile.familyName);
  });

  it("takes a request with a 6-year-old's details exactly as any other: the same answer, nothing to tell them apart", async () => {
    const [year, month, day] = ukLocalDay(new Date()).split("-").map(Number) as [number, number, number];
    const childDob = { dateOfBirthDay: String(Math.min(day, 28)), dateOfBirthMonth: String(month), dateOfBirthYear: String(year - 6) };
    const isoDob = `${childDob.dateOfBirthYear}-${String(month).padStart(2, "0")}-${childDob.dateOfBirthDay.padStart(2, "0")}`;
    const [inserted] = await admin`
      insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, postcode)
      values (${practiceA}, '9434765803', 'Amelia', 'Jones', ${isoDob}, 'LS1 4AP') returning id`;
    const amelia = inserted!.id as string;
    const child = await sendOnline({ ...ANN, givenName: "Amelia", familyName: "Jones", nhsNumber: "943 476 5803", ...childDob });
    const adult = await sendOnline({ ...ANN, givenName: "Zed", familyName: "Nobody", nhsNumber: "", postcode: "M2 2BB" });
    expect(child.status).toBe(302);
    expect(child.location).toMatch(/^\/requests\/sent\?ref=RQ-/);
    expect(child.body).toBe(adult.body);
    expect(neutral(child.page)).toBe(neutral(adult.page));
    // Received like any other, for staff to handle by the clinical system's own route.
    const [row] = await admin`select patient_id, state, identity_match from requests where reference = ${child.reference}`;
    expect(row).toEqual({ patient_id: amelia, state: "triage", identity_match: "full" });
  });

  describe("a phone number as the safe way to be contacted", () => {
    const OPT_IN = { declarationUpsetting: "yes", declarationLoginSafe: "yes", declarationTellPractice: "yes", contactWay: "phone", contactTime: "Weekday mornings" };
    const questions = (answers: Record<string, string>) => post("/requests/new?practice=TSTA1&kind=opt-in", { step: "questions", website: "", ...ANN, ...answers });

    it("asks for the number when the phone is chosen, naming the field, and keeps every answer", async () => {
      for (const [typed, message] of [
        ["", requestErrors.contactPhoneMissing],
        ["0113 496 00", requestErrors.contactPhoneInvalid],
      ] as const) {
        const response = await questions({ ...OPT_IN, contactPhone: typed });
        expect(response.status).toBe(400);
        const html = await response.text();
        expect(html).toContain("<title>Error: Before you ask for access</title>");
        expect(html).toContain(`<a href="#contactPhone">${message}</a>`);
        expect(html).toMatch(new RegExp(`<input[^>]*id="contactPhone"[^>]*value="${typed}"`));
        expect(html).toMatch(new RegExp(`<span class="nhsuk-error-message" id="contactPhone-error"><span class="nhsuk-u-visually-hidden">Error:</span> (<!-- -->)?${message}</span>`));
        // Every other answer is kept: the ticks, the way, the time, and the details in hidden fields.
        for (const name of ["declarationUpsetting", "declarationLoginSafe", "declarationTellPractice"]) expect(html).toMatch(new RegExp(`<input[^>]*name="${name}"[^>]*checked`));
        expect(html.match(/<input[^>]*name="contactWay"[^>]*>/g)?.filter((input) => input.includes(" checked"))).toEqual([expect.stringContaining('value="phone"')]);
        expect(html).toContain('value="Weekday mornings"');
        expect(html).toContain('<input type="hidden" name="familyName" value="Example"/>');
      }
      // The check step refuses it too: nothing is sent without a number.
      const before = await admin`select count(*)::int as n from request_submissions`;
      const submitted = await post("/requests/new?practice=TSTA1&kind=opt-in", { step: "check", intent: "submit", website: "", ...ANN, ...OPT_IN, contactPhone: "" });
      expect(submitted.status).toBe(400);
      expect(await admin`select count(*)::int as n from request_submissions`).toEqual(before);
    });

    it("does not ask for a number when another way is chosen", async () => {
      const response = await questions({ ...OPT_IN, contactWay: "letter", contactPhone: "" });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("Check your answers before sending your request");
    });

    it("shows the number on check your answers, and stores it as contactPhone in one form, under the form's own questions", async () => {
      const check = await questions({ ...OPT_IN, contactPhone: "+44 (0)113 496-0000" });
      expect(check.status).toBe(200);
      const html = await check.text();
      expect(html).toContain("Check your answers before sending your request");
      expect(html).toMatch(/<dt class="nhsuk-summary-list__key">Phone number<\/dt><dd class="nhsuk-summary-list__value">0113 496 0000<\/dd>/);

      const sent = await sendOnline({ ...ANN, familyName: "Caller", nhsNumber: "" }, "opt-in", { ...OPT_IN, contactPhone: "+44 (0)113 496-0000" });
      expect(sent.status).toBe(302);
      const [row] = await admin`select s.answers from request_submissions s join requests r on r.id = s.request_id where r.reference = ${sent.reference}`;
      const answers = row!.answers.answers as Record<string, string>;
      expect(answers).toMatchObject({ kind: "opt-in", contactWay: "phone", contactPhone: "+441134960000", contactTime: "Weekday mornings" });
      // Staff read every stored answer under its question, in the words the patient chose.
      const rows = answerRows(answers);
      expect(rows.map((r) => r.question)).not.toContain("contactPhone");
      expect(rows).toContainEqual({ question: "Phone number", answer: "0113 496 0000" });
      expect(rows).toContainEqual({ question: "I will tell my GP practice if something in my record is wrong or is about someone else", answer: expect.not.stringMatching(/^yes$/) });
      for (const raw of ["yes", "phone", "opt-in"]) expect(rows.map((r) => r.answer)).not.toContain(raw);
    });
  });

  it("refuses a cross-origin POST", async () => {
    const before = await admin`select count(*)::int as n from request_submissions`;
    const response = await post("/requests/new?practice=TSTA1&kind=opt-out", { step: "check", intent: "submit", ...ANN, ...OPT_OUT }, {
      origin: "https://evil.example",
      "sec-fetch-site": "cross-site",
    });
    expect(response.status).toBe(403);
    expect(await admin`select count(*)::int as n from request_submissions`).toEqual(before);
  });

  it("stores nothing when the honeypot is filled, with the same answer", async () => {
    const before = await admin`select count(*)::int as n from request_submissions`;
    const response = await post("/requests/new?practice=TSTA1&kind=opt-out", { step: "check", intent: "submit", website: "spam", ...ANN, ...OPT_OUT });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/requests\/sent\?ref=RQ-/);
    expect(await admin`select count(*)::int as n from request_submissions`).toEqual(before);
  });
});

describe("personal links", () => {
  const dob = (day: string, month: string, year: string) => ({ dateOfBirthDay: day, dateOfBirthMonth: month, dateOfBirthYear: year });
  const BOB_DOB = dob("2", "1", "1970");

  it("asks only for the date of birth, then takes a request linked to the patient", async () => {
    const token = await makeLink(practiceB, bob, new Date(Date.now() + 86_400_000));
    const first = await fetch(`${app.baseUrl}/r/${token}`);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toContain("Confirm your date of birth");
    expect(html).not.toMatch(/Bob|Other|Beta Surgery/);

    const kindPage = await post(`/r/${token}`, { step: "dob", ...BOB_DOB });
    expect(kindPage.status).toBe(200);
    expect(await kindPage.text()).toContain("What would you like to do?");
    const sent = await post(`/r/${token}`, { step: "check", intent: "submit", ...BOB_DOB, kind: "withdraw-opt-out", withdrawConfirm: "yes" });
    expect(sent.status).toBe(302);
    const reference = /ref=(RQ-[A-Z0-9-]+)$/.exec(sent.headers.get("location") ?? "")?.[1];
    const [row] = await admin`select practice_id, patient_id, state, identity_match, channel from requests where reference = ${reference!}`;
    expect(row).toEqual({ practice_id: practiceB, patient_id: bob, state: "triage", identity_match: "full", channel: "personal-link" });
  });

  it("gives a neutral error for a wrong date, and after five, refuses even the right one", async () => {
    const token = await makeLink(practiceB, bob, new Date(Date.now() + 86_400_000));
    const wrongPages: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await post(`/r/${token}`, { step: "dob", ...dob(String(i + 3), "1", "1970") });
      expect(response.status).toBe(400);
      wrongPages.push(neutral(await response.text()));
    }
    expect(wrongPages[0]).toContain("The details you entered do not match");
    const right = await post(`/r/${token}`, { step: "dob", ...BOB_DOB });
    expect(right.status).toBe(400);
    expect(neutral(await right.text())).toBe(wrongPages[0]);
    const submit = await post(`/r/${token}`, { step: "check", intent: "submit", ...BOB_DOB, kind: "opt-out", ...OPT_OUT });
    expect(submit.status).toBe(400);
    expect(await admin`select id from requests where patient_id = ${bob} and kind = 'opt-out'`).toHaveLength(0);
  });

  it("refuses unknown, tampered and expired links with the same page, and another practice's patient's date", async () => {
    const good = await makeLink(practiceB, bob, new Date(Date.now() + 86_400_000));
    const expired = await makeLink(practiceB, bob, new Date(Date.now() - 1_000));
    const tampered = `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`;
    const pages: string[] = [];
    for (const token of [randomToken(), tampered, expired, "short"]) {
      const got = await fetch(`${app.baseUrl}/r/${token}`);
      expect(got.status).toBe(404);
      pages.push(neutral(await got.text()));
      const posted = await post(`/r/${token}`, { step: "dob", ...BOB_DOB });
      expect(posted.status).toBe(404);
      expect(await posted.text()).toContain("This link does not work any more");
    }
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).toContain('href="/requests"');
    // Practice B's link does not open with the date of birth of practice A's patient.
    const other = await post(`/r/${good}`, { step: "dob", ...dob("15", "3", "1984") });
    expect(other.status).toBe(400);
  });

  it("takes as long to answer a request that matches a patient as one that matches nobody", async () => {
    // Timing would tell an attacker what the page does not: each answer waits out the same
    // minimum, so the difference between the two is noise, not the work of a match.
    const elapsed = { matched: [] as number[], unmatched: [] as number[] };
    for (let i = 0; i < 6; i++) {
      for (const kind of ["matched", "unmatched"] as const) {
        const details = kind === "matched" ? ANN : { ...ANN, familyName: `Nobody${i}`, nhsNumber: "" };
        const started = performance.now();
        const response = await post(`/requests/new?practice=TSTA1&kind=opt-out`, { step: "check", intent: "submit", website: "", ...details, ...OPT_OUT });
        await response.text();
        elapsed[kind].push(performance.now() - started);
        expect(response.status).toBe(302);
      }
    }
    const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    for (const time of [...elapsed.matched, ...elapsed.unmatched]) expect(time).toBeGreaterThanOrEqual(MINIMUM_ANSWER_MS);
    expect(Math.abs(median(elapsed.matched) - median(elapsed.unmatched))).toBeLessThan(100);
  });
});
