import type { BrowserContext, Locator, Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, formatLongDay, ukLocalDay } from "../../app/domain/calendar";
import { normaliseName } from "../../app/domain/identity-match";
import { formatNhsNumber } from "../../app/domain/nhs-number";
import { syntheticPatients, type SyntheticPatient } from "../../app/domain/synthetic-patients";
import { DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { runCli } from "../helpers/run-command";
import { checkPage, closeBrowser, launchBrowser, screenshot, signInThroughPages, trackCspViolations } from "./helpers/browser";
import { caughtMailTo } from "./helpers/dev-mail";

// Issue 18, done when: in Chromium, a 104 patient's opt-in is refused for reception and, for a
// clinician, without counselling and with a counselling date in the future, then granted after
// counselling; no outcome email goes before "done in the clinical system", and for this patient,
// whose email is not private to them, none goes at all: a letter is due instead; a patient who
// opted out but kept appointments and prescriptions gets that outcome's own words; a manager
// corrects the decision, which stays as corrected with its undo step, and it is decided again;
// the audit trail filtered by the first patient's NHS number tells the story; an under-16's
// request is shown as outside this service. axe and the CSP are checked on every page state.

const reception = DEMO_STAFF.find((p) => p.role === "reception")!;
const clinician = DEMO_STAFF.find((p) => p.role === "clinician")!;
const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
const REFERENCE = /^RQ-[A-Z0-9]{4}-[A-Z0-9]{4}$/;

// The demo practice's list, as the server seeded it.
const demoList = syntheticPatients({ seed: DEMO_PRACTICE.odsCode, count: DEMO_PRACTICE.patients });
const identityOf = (p: SyntheticPatient) =>
  `${normaliseName(p.familyName)}|${p.dateOfBirth}|${p.postcode.replace(/\s+/g, "").toUpperCase()}`;
const identityCounts = new Map<string, number>();
for (const p of demoList) identityCounts.set(identityOf(p), (identityCounts.get(identityOf(p)) ?? 0) + 1);
/** Patients with an email whose details match nobody else on the list: a full match is certain. */
const identifiable = demoList.filter((p) => p.email !== null && !p.deceased && identityCounts.get(identityOf(p)) === 1);

interface AccessStateRow {
  nhsNumber: string;
  state: string;
  enhancedReview: boolean;
  eligible: boolean;
}

const today = ukLocalDay(new Date());
const [todayYear, todayMonth, todayDay] = today.split("-").map(Number) as [number, number, number];
const tomorrow = addDays(today, 1).split("-").map(Number) as [number, number, number];
const ageOf = (p: SyntheticPatient) => {
  const [y, m, d] = p.dateOfBirth.split("-").map(Number) as [number, number, number];
  return todayYear - y - (todayMonth < m || (todayMonth === m && todayDay < d) ? 1 : 0);
};

describe("deciding requests safely, in Chromium", () => {
  let app: AppUnderTest;
  let sql: postgres.Sql;
  const contexts: BrowserContext[] = [];
  let receptionPage: Page;
  let clinicianPage: Page;
  let managerPage: Page;
  /** An active 104, an email on record not marked private to them: told by letter, never by email. */
  let at104: SyntheticPatient;
  /** No codes: opts out but keeps appointments and prescriptions online. */
  let keeper: SyntheticPatient;
  let at104Reference = "";
  let keeperReference = "";
  let at104Id = "";

  /** Sends a request as the online form does: every field of every step, posted at the last step. */
  async function sendRequest(
    kind: "opt-out" | "opt-in",
    patient: SyntheticPatient,
    questions: Record<string, string>,
    postcode = patient.postcode,
  ): Promise<string> {
    const [year, month, day] = patient.dateOfBirth.split("-");
    const form = new URLSearchParams({
      step: "check",
      intent: "submit",
      website: "",
      givenName: patient.givenName,
      familyName: patient.familyName,
      dateOfBirthDay: String(Number(day)),
      dateOfBirthMonth: String(Number(month)),
      dateOfBirthYear: year!,
      postcode,
      nhsNumber: patient.nhsNumber,
      email: patient.email!,
      mobile: "",
      ...questions,
    });
    const response = await fetch(`${app.baseUrl}/requests/new?practice=${DEMO_PRACTICE.odsCode}&kind=${kind}`, {
      method: "POST",
      body: form,
      headers: { Origin: app.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(response.status, await response.clone().text()).toBe(302);
    const location = new URL(response.headers.get("location") ?? "", app.baseUrl);
    expect(location.pathname).toBe("/requests/sent");
    const reference = location.searchParams.get("ref") ?? "";
    expect(reference).toMatch(REFERENCE);
    return reference;
  }

  async function signIn(person: (typeof DEMO_STAFF)[number]): Promise<Page> {
    const context = await launchBrowser();
    contexts.push(context);
    await trackCspViolations(context);
    const page = await context.newPage();
    try {
      await signInThroughPages(page, `${app.baseUrl}/staff/requests`, person);
      await heading(page, /^Requests$/).waitFor();
    } catch (error) {
      await screenshot(page, `request-review-sign-in-${person.role}`).catch(() => {});
      throw error;
    }
    return page;
  }

  beforeAll(async () => {
    app = await startAppUnderTest({ env: { SENDING_HOURS: "00:00-24:00" } });
    sql = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });

    // Each patient's effective access state, as the practice's data gives it.
    const listed = await runCli(["state", "--practice", DEMO_PRACTICE.odsCode, "--json"], { DATABASE_URL: app.databaseUrl });
    expect(listed.code, listed.stderr).toBe(0);
    const states = new Map((JSON.parse(listed.stdout) as AccessStateRow[]).map((row) => [row.nhsNumber, row]));
    at104 = identifiable.find((p) => {
      const s = states.get(p.nhsNumber);
      return s?.eligible && s.state === "enhanced-review" && s.enhancedReview && !p.contactIsPrivate;
    })!;
    keeper = identifiable.find((p) => {
      const s = states.get(p.nhsNumber);
      return s?.eligible && s.state === "default" && !s.enhancedReview;
    })!;
    expect(at104, "a patient with an active 104 and an email not marked private").toBeDefined();
    expect(keeper, "a patient with no codes and an email").toBeDefined();

    at104Reference = await sendRequest("opt-in", at104, {
      declarationUpsetting: "yes",
      declarationLoginSafe: "yes",
      declarationTellPractice: "yes",
      contactWay: "email",
      contactTime: "Weekday mornings",
    });
    keeperReference = await sendRequest("opt-out", keeper, { optOutScope: "keep-appointments-and-prescriptions" });

    receptionPage = await signIn(reception);
    clinicianPage = await signIn(clinician);
    managerPage = await signIn(manager);
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await closeBrowser(context);
    await sql?.end();
    await app?.stop();
  });

  const heading = (page: Page, text: string | RegExp) => page.locator("h1", { hasText: text }).first();

  async function queueReferences(page: Page): Promise<string[]> {
    const table = page.getByRole("table", { name: /matching requests$/ });
    if ((await table.count()) === 0) return [];
    return (await table.locator("tbody tr td:first-child").allTextContents()).map((t) => t.trim());
  }

  /** Opens a request from the queue by its reference, as staff do. */
  async function openFromQueue(page: Page, reference: string, name: string): Promise<string> {
    await page.goto(`${app.baseUrl}/staff/requests`);
    await heading(page, /^Requests$/).waitFor();
    await page.getByRole("link", { name: reference, exact: true }).click();
    await heading(page, `Request ${reference}`).waitFor();
    await checkPage(page, name, async () => {
      expect(await page.title()).toBe(`Request ${reference}`);
    });
    return new URL(page.url()).pathname.split("/").pop()!;
  }

  async function openRequest(page: Page, id: string, reference: string) {
    await page.goto(`${app.baseUrl}/staff/requests/${id}`);
    await heading(page, `Request ${reference}`).waitFor();
  }

  /** The value of a summary list's row, on the page or within one part of it. */
  const summaryValue = (scope: Page | Locator, key: string) => {
    const page = "page" in scope && typeof scope.page === "function" ? scope.page() : (scope as Page);
    return scope
      .locator(".nhsuk-summary-list__row", { has: page.locator(".nhsuk-summary-list__key", { hasText: new RegExp(`^\\s*${key}\\s*$`) }) })
      .first()
      .locator(".nhsuk-summary-list__value");
  };
  /** What a reader sees, line breaks read as spaces. */
  const text = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

  async function waitForState(page: Page, state: string) {
    await expect.poll(async () => text(summaryValue(page, "State")), { timeout: 15_000 }).toBe(state);
  }

  const decideForm = (page: Page) => page.locator("form", { has: page.getByRole("button", { name: "Record the decision" }) });
  const errorSummary = (page: Page) => page.locator(".nhsuk-error-summary");

  /** The error summary's links: each message and the field it goes to, which must be on the page once. */
  async function summaryLinks(page: Page): Promise<{ message: string; field: string }[]> {
    const links = await errorSummary(page).locator("a").all();
    const found = [];
    for (const link of links) {
      const field = ((await link.getAttribute("href")) ?? "").replace(/^#/, "");
      expect(await page.locator(`[id="${field}"]`).count(), `the error summary's link to #${field} goes to one field`).toBe(1);
      found.push({ message: await text(link), field });
    }
    return found;
  }

  /** The message shown at a field: in the innermost form group in error that holds it. */
  const inlineError = (page: Page, field: string) =>
    text(page.locator(".nhsuk-form-group--error", { has: page.locator(`[id="${field}"]`) }).last().locator(".nhsuk-error-message").first());

  /** Outcome messages the portal has queued for a request, as the outbox holds them. */
  const outcomeMessages = (id: string) =>
    sql<{ channel: string; toAddress: string | null; templateKey: string; status: string }[]>`
      select channel, to_address as "toAddress", template_key as "templateKey", status from messages
      where request_id = ${id} and template_key::text like 'outcome-%' order by created_at`;

  it("a) reception sees the 104 patient's opt-in, their age and contact, and is offered no grant: a clinician must decide", async () => {
    const page = receptionPage;
    try {
      at104Id = await openFromQueue(page, at104Reference, "decide-104-reception-triage");
      await waitForState(page, "Triage");
      await checkPage(page, "decide-104-reception-checks", async () => {
        expect(await text(summaryValue(page, "Name"))).toBe(`${at104.givenName} ${at104.familyName}`);
        expect(await text(summaryValue(page, "NHS number"))).toBe(formatNhsNumber(at104.nhsNumber));
        expect(await text(summaryValue(page, "Date of birth"))).toBe(`${formatLongDay(at104.dateOfBirth)} (age ${ageOf(at104)})`);
        expect(await text(summaryValue(page, "Email on record"))).toBe(`${at104.email} Not marked private to the patient`);
        const main = await text(page.locator("main"));
        expect(main).toContain("This patient had an active 104 during this request");
        expect(main).toContain("Messages about this request go only to contact details marked private to the patient.");
        expect(main).toContain("Access can be granted only by a clinician, after a counselling conversation with the patient.");
        expect(main).toContain("Decide: A request for access from a patient who had an active 104 must go to clinician review before it is decided.");
        expect(await page.getByRole("radio", { name: "Access granted" }).count()).toBe(0);
        expect(await page.getByRole("button", { name: "Record the decision" }).count()).toBe(0);
      });

      // A decision posted anyway is refused by the server, and nothing changes.
      const version = await page.locator('input[name="version"]').first().inputValue();
      const refused = await page.request.post(`${app.baseUrl}/staff/requests/${at104Id}`, {
        headers: { Origin: app.baseUrl },
        form: { intent: "decide", version, outcome: "granted", identityMethod: "record-match" },
        maxRedirects: 0,
      });
      expect(refused.status()).toBe(400);
      expect(await outcomeMessages(at104Id)).toEqual([]);

      // Reception sends it on to a clinician, and still cannot decide it.
      await page.getByRole("button", { name: "Send to clinician review" }).click();
      await waitForState(page, "Clinician review");
      await checkPage(page, "decide-104-reception-clinician-review", async () => {
        expect(await text(page.locator("main"))).toContain("Decide: Only a clinician can decide a request under clinician review.");
        expect(await page.getByRole("button", { name: "Record the decision" }).count()).toBe(0);
        expect(await page.locator("h2", { hasText: /^Decision$/ }).count()).toBe(0);
      });
    } catch (error) {
      await screenshot(page, "decide-104-reception").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("b) a clinician's grant without counselling, then with a counselling date in the future, is refused naming each field; nothing typed is lost", async () => {
    const page = clinicianPage;
    try {
      await openRequest(page, at104Id, at104Reference);
      await waitForState(page, "Clinician review");
      const form = decideForm(page);
      const granted = form.getByRole("radio", { name: "Access granted" });
      await checkPage(page, "decide-104-clinician-form", async () => {
        // Only what this request allows, each with what it means; no free code or access-level radios.
        const outcomes = await form.locator('input[name="outcome"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).labels?.[0]?.textContent));
        expect(outcomes).toEqual(["Access granted", "Access withheld", "Rejected: identity not verified"]);
        expect(await text(page.locator('[id="outcome-item-hint"]'))).toBe(
          "Code to enter: 106 (Review not needed). Access: prospective record. Why: A 106 recorded after the patient's 104 lifts it, so the clinical system gives record access.",
        );
        expect(await form.getByRole("radio", { name: "106", exact: true }).count()).toBe(0);
        expect(await form.getByRole("radio", { name: "Prospective record access" }).count()).toBe(0);
      });

      // The server draws the counselling record under "Access granted", not hidden, saying why it
      // is there: without JavaScript it is always shown. With it, it shows once granting is chosen.
      const served = await (await page.request.get(`${app.baseUrl}/staff/requests/${at104Id}`)).text();
      const conditional = /<div class="nhsuk-radios__conditional" id="conditional-outcome"[^>]*>(.*?)<\/div><div class="nhsuk-radios__item">/s.exec(served);
      expect(conditional?.[0], "the counselling record, under the first outcome").toBeDefined();
      expect(conditional![0]).not.toMatch(/^<div[^>]*hidden/);
      expect(conditional![1]).toContain("Needed to grant access: the patient had an active 104 during this request");
      expect(conditional![1]).toContain('id="counselledOn"');
      await expect.poll(() => form.getByRole("group", { name: "Date of the counselling conversation" }).isVisible()).toBe(false);
      await granted.check();
      const counsellingDate = form.getByRole("group", { name: "Date of the counselling conversation" });
      await counsellingDate.waitFor();
      const heldBy = form.getByLabel("Who held it?");
      expect(await heldBy.inputValue()).toBe(clinician.name);
      await heldBy.fill("");
      await form.getByRole("radio", { name: "Known to staff" }).check();
      await form.getByLabel("Notes (optional)").fill("Talked it through at the desk.");
      await page.getByRole("button", { name: "Record the decision" }).click();
      await errorSummary(page).waitFor();
      await checkPage(page, "decide-104-no-counselling", async () => {
        expect(await page.title()).toBe(`Error: Request ${at104Reference}`);
        expect(await summaryLinks(page)).toEqual([
          { field: "counselledOn", message: "Enter the date of the counselling conversation." },
          { field: "counsellingMethod", message: "Choose how the counselling conversation was held: in person, by phone or by video." },
          { field: "counsellingHeldBy", message: "Enter who held the counselling conversation." },
          { field: "counsellingNote", message: "Enter a note of the counselling conversation." },
        ]);
        expect(await inlineError(page, "counselledOn")).toContain("Enter the date of the counselling conversation.");
        expect(await inlineError(page, "counsellingMethod")).toContain("Choose how the counselling conversation was held");
        expect(await inlineError(page, "counsellingHeldBy")).toContain("Enter who held the counselling conversation.");
        expect(await inlineError(page, "counsellingNote")).toContain("Enter a note of the counselling conversation.");
        expect(await granted.isChecked()).toBe(true);
        expect(await form.getByRole("radio", { name: "Known to staff" }).isChecked()).toBe(true);
        expect(await form.getByLabel("Notes (optional)").inputValue()).toBe("Talked it through at the desk.");
        await waitForState(page, "Clinician review");
      });

      // A conversation that has not happened yet.
      await counsellingDate.getByLabel("Day").fill(String(tomorrow[2]));
      await counsellingDate.getByLabel("Month").fill(String(tomorrow[1]));
      await counsellingDate.getByLabel("Year").fill(String(tomorrow[0]));
      await form.getByRole("radio", { name: "By phone" }).check();
      await heldBy.fill(clinician.name);
      await form.getByLabel("Note of the conversation").fill("Went through what the record shows and how to keep the login safe.");
      await page.getByRole("button", { name: "Record the decision" }).click();
      await expect.poll(async () => (await summaryLinks(page)).map((l) => l.field)).toEqual(["counselledOn"]);
      await checkPage(page, "decide-104-future-counselling", async () => {
        expect(await summaryLinks(page)).toEqual([
          { field: "counselledOn", message: "The counselling conversation must have happened: its date cannot be in the future." },
        ]);
        expect(await inlineError(page, "counselledOn")).toContain("its date cannot be in the future");
        expect(await counsellingDate.getByLabel("Day").inputValue()).toBe(String(tomorrow[2]));
        expect(await form.getByRole("radio", { name: "By phone" }).isChecked()).toBe(true);
        expect(await heldBy.inputValue()).toBe(clinician.name);
        expect(await form.getByLabel("Note of the conversation").inputValue()).toBe("Went through what the record shows and how to keep the login safe.");
        expect(await form.getByLabel("Notes (optional)").inputValue()).toBe("Talked it through at the desk.");
      });
      expect(await outcomeMessages(at104Id)).toEqual([]);
    } catch (error) {
      await screenshot(page, "decide-104-refusals").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("c) granted after counselling: the page says the patient is not told yet, and no outcome email goes", async () => {
    const page = clinicianPage;
    try {
      const form = decideForm(page);
      const counsellingDate = form.getByRole("group", { name: "Date of the counselling conversation" });
      await counsellingDate.getByLabel("Day").fill(String(todayDay));
      await counsellingDate.getByLabel("Month").fill(String(todayMonth));
      await counsellingDate.getByLabel("Year").fill(String(todayYear));
      await page.getByRole("button", { name: "Record the decision" }).click();
      await page.locator("h2", { hasText: /^Decision$/ }).waitFor();
      await checkPage(page, "decide-104-granted", async () => {
        await waitForState(page, "Decided");
        expect(await text(summaryValue(page, "Outcome"))).toBe("Access granted");
        expect(await text(summaryValue(page, "Code to enter"))).toBe("106 (Review not needed)");
        expect(await text(summaryValue(page, "Access level"))).toBe("Prospective record access");
        expect(await text(summaryValue(page, "Counselling"))).toBe(
          `${formatLongDay(today)}, by phone, held by ${clinician.name} Note: Went through what the record shows and how to keep the login safe.`,
        );
        expect(await text(summaryValue(page, "Decided"))).toMatch(new RegExp(` by ${clinician.name}$`));
        expect(await text(summaryValue(page, "Done in the clinical system"))).toBe("Not yet");
        expect(await text(summaryValue(page, "Patient told"))).toBe("Not yet: the patient is told once this is marked done in EMIS Web");
        expect(await page.locator("h3", { hasText: "Next step in the clinical system" }).count()).toBe(1);
        expect(await page.getByRole("button", { name: "Record the decision" }).count()).toBe(0);
      });
      expect(await outcomeMessages(at104Id)).toEqual([]);
      expect(await caughtMailTo(sql, at104.email!)).toEqual([]);
    } catch (error) {
      await screenshot(page, "decide-104-granted").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("d) done in the clinical system: the outcome is due, and for this patient it needs a letter, not an email", async () => {
    let page = clinicianPage;
    try {
      await page.getByRole("button", { name: "Done in the clinical system" }).click();
      await waitForState(page, "Done in the clinical system");
      await checkPage(page, "decide-104-actioned-clinician", async () => {
        expect(await text(summaryValue(page, "Done in the clinical system"))).toMatch(new RegExp(` by ${clinician.name}$`));
        expect(await text(summaryValue(page, "Patient told"))).toBe("Needs a letter: reception print it from the letters page");
      });
      expect(await outcomeMessages(at104Id)).toEqual([{ channel: "letter", toAddress: null, templateKey: "outcome-access-granted", status: "queued" }]);

      // Reception prints letters: the page says so, links the letters page, and offers the letter.
      page = receptionPage;
      await openRequest(page, at104Id, at104Reference);
      await checkPage(page, "decide-104-actioned-reception", async () => {
        const told = summaryValue(page, "Patient told");
        expect(await text(told)).toBe("Needs a letter: print it below or from the letters page");
        expect(await told.getByRole("link", { name: "the letters page" }).getAttribute("href")).toBe("/staff/letters");
        expect(await text(page.locator("main"))).toContain("The outcome goes to this patient by letter.");
        expect(await page.getByRole("button", { name: "Print the outcome letter" }).count()).toBe(1);
      });
    } catch (error) {
      await screenshot(page, "decide-104-actioned").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("e) an opt-out that keeps appointments and prescriptions is decided as asked and told in its own words", async () => {
    const page = receptionPage;
    try {
      const id = await openFromQueue(page, keeperReference, "decide-keep-triage");
      await waitForState(page, "Triage");
      const form = decideForm(page);
      await checkPage(page, "decide-keep-form", async () => {
        const optOut = form.getByRole("radio", { name: "Opt-out recorded" });
        expect(await text(page.locator(`[id="${await optOut.getAttribute("id")}-item-hint"]`))).toBe(
          "Code to enter: 103 (Declined online access). Access: appointments and prescriptions only. Why: A 103 stops record access; the patient asked to keep online appointments and repeat prescriptions.",
        );
        expect(await form.getByRole("radio", { name: "Access granted" }).count()).toBe(0);
        // Choosing another level is a clinician's, with a reason.
        expect(await form.getByText("Set a different access level").count()).toBe(0);
      });
      await form.getByRole("radio", { name: "Opt-out recorded" }).check();
      await form.getByRole("radio", { name: "Details matched the record" }).check();
      await page.getByRole("button", { name: "Record the decision" }).click();
      await page.locator("h2", { hasText: /^Decision$/ }).waitFor();
      await checkPage(page, "decide-keep-decided", async () => {
        await waitForState(page, "Decided");
        expect(await text(summaryValue(page, "Code to enter"))).toBe("103 (Declined online access)");
        expect(await text(summaryValue(page, "Access level"))).toBe("Appointments and prescriptions only");
        expect(await text(summaryValue(page, "Patient told"))).toBe("Not yet: the patient is told once this is marked done in EMIS Web");
      });
      expect(await outcomeMessages(id)).toEqual([]);

      await page.getByRole("button", { name: "Done in the clinical system" }).click();
      await waitForState(page, "Done in the clinical system");
      await checkPage(page, "decide-keep-actioned", async () => {
        expect(await text(summaryValue(page, "Patient told"))).toMatch(/^Email (queued|sent \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2})$/);
      });

      // The email the patient receives says what they chose, not what a full opt-out is told.
      await expect.poll(async () => (await caughtMailTo(sql, keeper.email!)).filter((m) => m.templateKey?.startsWith("outcome-")).length, { timeout: 30_000, interval: 500 }).toBe(1);
      const [outcome] = (await caughtMailTo(sql, keeper.email!)).filter((m) => m.templateKey?.startsWith("outcome-"));
      const words = outcome!.text.replace(/\s+/g, " ");
      expect(outcome!.templateKey).toBe("outcome-opt-out-keep-appointments");
      expect(outcome!.subject).toBe("We have recorded your choice: appointments and prescriptions stay online");
      expect(words).toContain("We have recorded that you want to keep booking appointments and ordering repeat prescriptions online");
      expect(words).not.toContain("do not want online access");

      await page.reload();
      await checkPage(page, "decide-keep-told", async () => {
        expect(await text(summaryValue(page, "Patient told"))).toMatch(/^Email sent \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}$/);
      });
      await page.getByRole("button", { name: "Patient told: close the request" }).click();
      await waitForState(page, "Closed");

      // By now the worker has sent what it was given: still nothing to the 104 patient's email.
      expect(await caughtMailTo(sql, at104.email!)).toEqual([]);
    } catch (error) {
      await screenshot(page, "decide-keep").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("f) a manager corrects the decision: it stays, corrected, with the step that undoes it, and a clinician decides again", async () => {
    let page = managerPage;
    const why = "The counselling note belongs to another patient: decide again after talking to this one.";
    try {
      await openRequest(page, at104Id, at104Reference);
      await waitForState(page, "Done in the clinical system");
      const reopen = page.locator("form", { has: page.getByRole("button", { name: "Reopen to correct this decision" }) });
      await reopen.getByRole("button", { name: "Reopen to correct this decision" }).click();
      await errorSummary(page).waitFor();
      await checkPage(page, "correct-104-no-reason", async () => {
        expect(await summaryLinks(page)).toEqual([{ field: "reopenReason", message: "Enter why the decision needs correcting" }]);
        expect(await inlineError(page, "reopenReason")).toContain("Enter why the decision needs correcting");
      });
      await reopen.getByLabel("Why does the decision need correcting?").fill(why);
      await reopen.getByRole("button", { name: "Reopen to correct this decision" }).click();
      await waitForState(page, "Clinician review");
      await checkPage(page, "correct-104-reopened", async () => {
        expect(await page.locator("h2", { hasText: /^Decision$/ }).count()).toBe(0);
        expect(await page.locator("h2", { hasText: "Earlier decisions (corrected)" }).count()).toBe(1);
        const earlier = page.locator("section", { has: page.locator("h3", { hasText: /^Access granted, decided / }) });
        expect(await text(summaryValue(earlier, "Reopened"))).toMatch(new RegExp(` by ${manager.name}$`));
        expect(await text(summaryValue(earlier, "Why"))).toBe(why);
        expect(await text(summaryValue(earlier, "What it asked for"))).toBe("106 (Review not needed); Prospective record access");
        expect(await earlier.locator("h4", { hasText: "To undo it in the clinical system" }).count()).toBe(1);
        expect(await earlier.locator("ol > li").count()).toBeGreaterThan(0);
        expect(await text(page.getByRole("table", { name: "History" }))).toContain(`reopened the request to correct its decision: ${why}`);
      });
      // The letter had not been printed: it is withdrawn.
      expect((await outcomeMessages(at104Id)).map((m) => m.status)).toEqual(["cancelled"]);

      // Decided again: withheld, switching off every online service, which needs a reason too.
      page = clinicianPage;
      await openRequest(page, at104Id, at104Reference);
      const form = decideForm(page);
      await form.getByRole("radio", { name: "Access withheld" }).check();
      await form.getByLabel("Why is access withheld?").fill("Not now: the patient asked to wait until after their next appointment.");
      await form.getByText("Set a different access level").click();
      await form.getByRole("radio", { name: "No online access" }).check();
      await form.getByRole("radio", { name: "Known to staff" }).check();
      await page.getByRole("button", { name: "Record the decision" }).click();
      await errorSummary(page).waitFor();
      await checkPage(page, "correct-104-level-without-reason", async () => {
        expect(await summaryLinks(page)).toEqual([{ field: "accessLevelReason-withheld", message: "Enter why a different access level is needed." }]);
        expect(await inlineError(page, "accessLevelReason-withheld")).toContain("Enter why a different access level is needed.");
        expect(await form.getByRole("radio", { name: "No online access" }).isChecked()).toBe(true);
        expect(await form.getByLabel("Why is access withheld?").inputValue()).toBe("Not now: the patient asked to wait until after their next appointment.");
      });
      await form.getByLabel("Why is a different access level needed?").fill("The patient asked for no online services until then.");
      await page.getByRole("button", { name: "Record the decision" }).click();
      await page.locator("h2", { hasText: /^Decision$/ }).waitFor();
      await checkPage(page, "correct-104-decided-again", async () => {
        await waitForState(page, "Decided");
        expect(await text(summaryValue(page, "Outcome"))).toBe("Access withheld");
        expect(await text(summaryValue(page, "Access level"))).toBe("No online access");
        expect(await text(summaryValue(page, "Why a different access level"))).toBe("The patient asked for no online services until then.");
        expect(await text(summaryValue(page, "Why access is withheld"))).toBe("Not now: the patient asked to wait until after their next appointment.");
        expect(await text(summaryValue(page, "Patient told"))).toBe("Not yet: the patient is told once this is marked done in EMIS Web");
        expect(await page.locator("h2", { hasText: "Earlier decisions (corrected)" }).count()).toBe(1);
      });
    } catch (error) {
      await screenshot(page, "correct-104").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("g) the audit trail filtered by the 104 patient's NHS number tells the story of their request", async () => {
    const page = managerPage;
    try {
      await page.goto(`${app.baseUrl}/staff/audit`);
      await heading(page, /^Audit trail$/).waitFor();
      await page.getByLabel("Patient's NHS number").fill(formatNhsNumber(at104.nhsNumber));
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/patient=/);
      await checkPage(page, "audit-104-patient", async () => {
        const trail = await text(page.getByRole("table", { name: /matching (entry|entries)$/ }));
        for (const step of [/sent request/, /viewed request/, /moved request .*to clinician review/, /decided request .*: access granted/i, /done in the clinical system/, /reopened request .*to correct its decision/, /decided request .*: access withheld/i]) {
          expect(trail).toMatch(step);
        }
      });
    } catch (error) {
      await screenshot(page, "audit-104-patient").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("h) an under-16's request shows their age and that it is outside this service; it can be recorded only as such", async () => {
    const page = receptionPage;
    const child = identifiable.find((p) => ageOf(p) < 16 && ageOf(p) >= 5)!;
    expect(child, "a child on the list with an email").toBeDefined();
    try {
      const reference = await sendRequest("opt-in", child, {
        declarationUpsetting: "yes",
        declarationLoginSafe: "yes",
        declarationTellPractice: "yes",
        contactWay: "email",
        contactTime: "After school",
      });
      await openFromQueue(page, reference, "decide-child-triage");
      const form = decideForm(page);
      await checkPage(page, "decide-child-form", async () => {
        expect(await text(summaryValue(page, "Date of birth"))).toBe(`${formatLongDay(child.dateOfBirth)} (age ${ageOf(child)})`);
        const callout = page.locator(".nhsuk-card--warning", { has: page.locator("h3", { hasText: "Outside this service" }) });
        expect(await text(callout)).toContain(
          `${child.givenName} ${child.familyName} is ${ageOf(child)}. This service is for patients aged 16 and over. Access for under-16s and proxy access are arranged in EMIS Web through its own process.`,
        );
        const outcomes = await form.locator('input[name="outcome"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).labels?.[0]?.textContent));
        expect(outcomes).toEqual(["Rejected: identity not verified", "Outside this service (under 16)"]);
      });
      await form.getByRole("radio", { name: "Outside this service (under 16)" }).check();
      await form.getByRole("radio", { name: "Details matched the record" }).check();
      await page.getByRole("button", { name: "Record the decision" }).click();
      await page.locator("h2", { hasText: /^Decision$/ }).waitFor();
      await checkPage(page, "decide-child-decided", async () => {
        expect(await text(summaryValue(page, "Outcome"))).toBe("Outside this service (under 16)");
        expect(await text(summaryValue(page, "Code to enter"))).toBe("No code");
        expect(await text(summaryValue(page, "Access level"))).toBe("Nothing changes");
        expect(await text(summaryValue(page, "Done in the clinical system"))).toBe("Nothing to do in the clinical system");
        // Nothing is to be done in the clinical system, so the patient is told at the decision.
        expect(await text(summaryValue(page, "Patient told"))).toMatch(/^Email (queued|sent \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2})$/);
      });
    } catch (error) {
      await screenshot(page, "decide-child").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("reception enters a phone request, takes it, finds it by filter and by NHS number, and links an unmatched one", async () => {
    const page = receptionPage;
    const caller = identifiable.find((p) => p !== at104 && p !== keeper && p.dateOfBirth < "2000-01-01")!;
    const [year, month, day] = caller.dateOfBirth.split("-");
    try {
      // Enter a request taken by phone: find the patient by name and date of birth, then the form.
      await page.goto(`${app.baseUrl}/staff/requests`);
      await heading(page, /^Requests$/).waitFor();
      await page.getByRole("link", { name: "Enter a request taken by phone, on paper or at the desk" }).click();
      await heading(page, "Enter a request for a patient").waitFor();
      await page.getByLabel("Find the patient").fill(`${caller.familyName} ${day}/${month}/${year}`);
      await page.getByRole("button", { name: "Search" }).click();
      const results = page.getByRole("table", { name: /match/ });
      await results.waitFor();
      await checkPage(page, "request-entry-search", async () => {
        expect(await results.locator("tbody tr", { hasText: `${caller.givenName} ${caller.familyName}` }).count()).toBe(1);
      });
      await results.getByRole("link", { name: `Choose ${caller.givenName} ${caller.familyName}` }).click();
      await page.getByRole("button", { name: "Enter the request" }).waitFor();
      await checkPage(page, "request-entry-form", async () => {
        expect(await summaryValue(page, "Name").textContent()).toBe(`${caller.givenName} ${caller.familyName}`);
        expect(await page.getByLabel("Who took it?").locator("option:checked").textContent()).toBe(reception.name);
      });
      // Forgetting how the request came in: the error names it, and nothing typed is lost.
      await page.getByRole("radio", { name: /^Opt out/ }).check();
      await page.getByRole("radio", { name: /details that match the record/ }).check();
      await page.getByLabel("What the patient said (optional)").fill("Rang to say no online access, please.");
      await page.getByRole("button", { name: "Enter the request" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await checkPage(page, "request-entry-error", async () => {
        expect(await page.title()).toBe("Error: Enter a request for a patient");
        expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Choose how the request came in");
        expect(await page.getByLabel("What the patient said (optional)").inputValue()).toBe("Rang to say no online access, please.");
      });
      await page.getByRole("radio", { name: "By phone" }).check();
      await page.getByRole("button", { name: "Enter the request" }).click();
      await page.locator(".nhsuk-notification-banner--success").waitFor();
      const entered = ((await page.locator("h1").first().textContent()) ?? "").match(/RQ-[A-Z0-9]{4}-[A-Z0-9]{4}/)![0];
      await checkPage(page, "request-entry-done", async () => {
        expect(await page.locator(".nhsuk-notification-banner--success").textContent()).toContain(`Give the patient its reference: ${entered}`);
        await waitForState(page, "Triage");
        expect(await summaryValue(page, "Request").textContent()).toBe("Opt out (Phone)");
        const submission = page.getByRole("table", { name: /^Submission 1/ });
        expect(await submission.textContent()).toContain(`How did the request come in?By phone`);
        expect(await submission.textContent()).toContain(`Who took it?${reception.name}`);
        expect(await submission.textContent()).toContain("Rang to say no online access, please.");
      });

      // Take it, then find it with the "assigned to me" filter and by NHS number.
      await page.getByRole("button", { name: "Assign to me" }).click();
      await expect.poll(async () => (await summaryValue(page, "Assigned to").textContent())?.trim()).toBe(reception.name);
      await page.goto(`${app.baseUrl}/staff/requests?assigned=me`);
      await heading(page, /^Requests$/).waitFor();
      await checkPage(page, "request-queue-assigned-to-me", async () => {
        expect(await queueReferences(page)).toEqual([entered]);
        expect(await page.getByLabel("Assigned to").locator("option:checked").textContent()).toBe("Me");
      });
      await page.getByLabel("Assigned to").selectOption("");
      await page.getByLabel("Find a request").fill(caller.nhsNumber.replace(/(\d{3})(\d{3})(\d{4})/, "$1 $2 $3"));
      await page.getByRole("button", { name: "Show requests" }).click();
      await page.waitForURL(/q=/);
      await checkPage(page, "request-queue-search", async () => {
        expect(await queueReferences(page)).toEqual([entered]);
      });

      // An online request with an old postcode matches nobody fully: staff compare and link it.
      const unmatched = await sendRequest("opt-out", caller, { optOutScope: "no-online-access" }, "ZZ9 9ZZ");
      const id = await openFromQueue(page, unmatched, "request-link-unmatched");
      await waitForState(page, "Identity to check");
      const candidates = page.getByRole("table", { name: "Patients on the list who share some of these details:" });
      const row = candidates.locator("tbody tr", { hasText: `${caller.givenName} ${caller.familyName}` });
      await checkPage(page, "request-link-candidates", async () => {
        expect(await row.textContent()).toContain("postcode: differs");
        expect(await row.textContent()).toContain("NHS number: matches");
      });
      await row.getByRole("button", { name: `This is the patient: link ${caller.givenName} ${caller.familyName}` }).click();
      await waitForState(page, "Triage");
      await checkPage(page, "request-linked", async () => {
        expect(await summaryValue(page, "Name").textContent()).toBe(`${caller.givenName} ${caller.familyName}`);
        // The patient now has two open opt-outs: staff are told, with a link to the other.
        expect(await page.getByRole("link", { name: entered }).count()).toBe(1);
        expect(await page.getByRole("table", { name: "History" }).textContent()).toContain("linked the request to a patient");
      });
      const [linked] = await sql<{ patient_id: string }[]>`select patient_id from requests where id = ${id}`;
      expect(linked!.patient_id).not.toBeNull();
    } catch (error) {
      await screenshot(page, "request-entry-and-linking").catch(() => {});
      throw error;
    }
  }, 120_000);
});
