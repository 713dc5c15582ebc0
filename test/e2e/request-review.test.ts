import { readFile } from "node:fs/promises";
import type { BrowserContext, Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normaliseName } from "../../app/domain/identity-match";
import { templateName } from "../../app/domain/message-templates";
import { OPEN_REQUEST_STATES } from "../../app/domain/request-workflow";
import { syntheticPatients, type SyntheticPatient } from "../../app/domain/synthetic-patients";
import { requestStateNames } from "../../app/content/review-queue";
import { DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { readPdf } from "../helpers/pdf-text";
import { runCli } from "../helpers/run-command";
import { checkPage, closeBrowser, launchBrowser, screenshot, signInThroughPages, trackCspViolations } from "./helpers/browser";

// Issue 7, done when: a receptionist decides an opt-out and marks it done; a
// clinician takes a 104 patient's opt-in through counselling to a decision; the
// patient's outcome email arrives at the development SMTP server; the queue
// counts move as expected. axe and the CSP are checked on every page.

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

type Counts = Record<string, number>;

describe("the review queue in Chromium", () => {
  let app: AppUnderTest;
  let sql: postgres.Sql;
  const contexts: BrowserContext[] = [];
  let receptionPage: Page;
  let clinicianPage: Page;
  let managerPage: Page;
  let optOutPatient: SyntheticPatient;
  let optInPatient: SyntheticPatient;
  let optOutReference = "";
  let optInReference = "";
  let countsAtStart: Counts = {};
  let countsAfterOptOut: Counts = {};

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
    await signInThroughPages(page, `${app.baseUrl}/staff/requests`, person);
    await heading(page, /^Requests$/).waitFor();
    return page;
  }

  beforeAll(async () => {
    app = await startAppUnderTest({ env: { SENDING_HOURS: "00:00-24:00" } });
    sql = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });

    // Each patient's effective access state, as the practice's data gives it.
    const listed = await runCli(["state", "--practice", DEMO_PRACTICE.odsCode, "--json"], { DATABASE_URL: app.databaseUrl });
    expect(listed.code, listed.stderr).toBe(0);
    const states = new Map((JSON.parse(listed.stdout) as AccessStateRow[]).map((row) => [row.nhsNumber, row]));
    optOutPatient = identifiable.find((p) => {
      const s = states.get(p.nhsNumber);
      return s?.eligible && s.state === "default" && !s.enhancedReview;
    })!;
    optInPatient = identifiable.find((p) => {
      const s = states.get(p.nhsNumber);
      return s?.eligible && s.state === "enhanced-review" && s.enhancedReview && p.contactIsPrivate;
    })!;
    expect(optOutPatient, "a patient with no codes and an email").toBeDefined();
    expect(optInPatient, "a patient with an active 104, a private contact and an email").toBeDefined();

    // Reception's first look at the queue, before any request arrives.
    receptionPage = await signIn(reception);
    countsAtStart = await queueCounts(receptionPage, "request-review-queue-start");

    optOutReference = await sendRequest("opt-out", optOutPatient, { optOutScope: "keep-appointments-and-prescriptions" });
    optInReference = await sendRequest("opt-in", optInPatient, {
      declarationUpsetting: "yes",
      declarationLoginSafe: "yes",
      declarationTellPractice: "yes",
      contactWay: "email",
      contactTime: "Weekday mornings",
    });

    clinicianPage = await signIn(clinician);
    managerPage = await signIn(manager);
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await closeBrowser(context);
    await sql?.end();
    await app?.stop();
  });

  const heading = (page: Page, text: string | RegExp) => page.locator("h1", { hasText: text }).first();

  /** The counts of open requests by state, as the queue shows them. */
  async function queueCounts(page: Page, name: string): Promise<Counts> {
    await page.goto(`${app.baseUrl}/staff/requests`);
    await heading(page, /^Requests$/).waitFor();
    const counts: Counts = {};
    await checkPage(page, name, async () => {
      expect(await page.title()).toBe("Requests");
      const table = page.getByRole("table", { name: "Open requests by state" });
      const head = (await table.locator("thead th").allTextContents()).map((t) => t.trim());
      const cells = (await table.locator("tbody td").allTextContents()).map((t) => Number(t.trim()));
      expect(head).toEqual(OPEN_REQUEST_STATES.map((s) => requestStateNames[s]));
      OPEN_REQUEST_STATES.forEach((state, i) => (counts[state] = cells[i]!));
    });
    return counts;
  }

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
    const id = new URL(page.url()).pathname.split("/").pop()!;
    return id;
  }

  const summaryValue = (page: Page, key: string) =>
    page.locator(".nhsuk-summary-list__row", { has: page.locator(".nhsuk-summary-list__key", { hasText: new RegExp(`^\\s*${key}\\s*$`) }) }).first().locator(".nhsuk-summary-list__value");

  async function waitForState(page: Page, state: string) {
    await expect.poll(async () => ((await summaryValue(page, "State").textContent()) ?? "").trim(), { timeout: 15_000 }).toBe(state);
  }

  const decideForm = (page: Page) => page.locator("form", { has: page.getByRole("button", { name: "Record the decision" }) });

  it("a receptionist decides an opt-out, marks it done, tells the patient; the outcome email arrives", async () => {
    const page = receptionPage;
    try {
      const before = await queueCounts(page, "request-review-queue-before");
      expect(before.triage).toBe(countsAtStart.triage! + 2);
      expect(await queueReferences(page)).toEqual(expect.arrayContaining([optOutReference, optInReference]));

      const id = await openFromQueue(page, optOutReference, "request-review-opt-out-triage");
      await waitForState(page, "Triage");
      expect(await summaryValue(page, "Name").textContent()).toBe(`${optOutPatient.givenName} ${optOutPatient.familyName}`);

      const form = decideForm(page);
      await form.getByRole("radio", { name: "Opt-out recorded" }).check();
      await form.getByRole("radio", { name: "103", exact: true }).check();
      await form.getByRole("radio", { name: "Appointments and prescriptions only" }).check();
      await form.getByRole("radio", { name: "Details matched the record" }).check();
      await form.getByLabel("Notes (optional)").fill("Asked by the online form.");
      await page.getByRole("button", { name: "Record the decision" }).click();

      await page.locator("h3", { hasText: "Next step in the clinical system" }).waitFor();
      await checkPage(page, "request-review-opt-out-decided", async () => {
        await waitForState(page, "Decided");
        expect(await summaryValue(page, "Outcome").textContent()).toBe("Opt-out recorded");
        expect(await summaryValue(page, "Code to enter").textContent()).toBe("103");
        expect(await page.getByRole("button", { name: "Record the decision" }).count()).toBe(0);
      });

      // The outcome on paper, for a patient who asks for it.
      const [letter] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Print the outcome letter" }).click()]);
      const letterText = (await readPdf(new Uint8Array(await readFile((await letter.path())!)))).map((p) => p.text).join(" ").replace(/\s+/g, " ");
      expect(letterText).toContain(`Dear ${optOutPatient.givenName},`);
      expect(letterText).toContain("We have recorded that you do not want online access to your GP record.");

      await page.getByRole("button", { name: "Done in the clinical system" }).click();
      await page.getByRole("button", { name: "Patient told: close the request" }).waitFor();
      await checkPage(page, "request-review-opt-out-actioned", async () => {
        await waitForState(page, "Done in the clinical system");
        expect(await summaryValue(page, "Done in the clinical system").textContent()).not.toBe("Not yet");
      });

      await page.getByRole("button", { name: "Patient told: close the request" }).click();
      await page.getByText("There is nothing for you to do on this request now.").waitFor();
      await checkPage(page, "request-review-opt-out-closed", async () => {
        await waitForState(page, "Closed");
        expect(await summaryValue(page, "Patient told").textContent()).not.toBe("Not yet");
      });

      // The queue: the request has left the open list; the counts moved with it.
      countsAfterOptOut = await queueCounts(page, "request-review-queue-after-opt-out");
      expect(countsAfterOptOut).toEqual({ ...before, triage: before.triage! - 1 });
      const open = await queueReferences(page);
      expect(open).not.toContain(optOutReference);
      expect(open).toContain(optInReference);

      // The outcome email, sent by the worker to the address on record, caught by the development SMTP server.
      await expect
        .poll(
          async () =>
            sql<{ envelopeTo: string[] }[]>`
              select d.envelope_to as "envelopeTo" from dev_mail d
              join messages m on m.smtp_message_id = d.message_id_header
              where m.request_id = ${id} and m.template_key = 'outcome-opt-out-recorded'`,
          { timeout: 20_000, interval: 500 },
        )
        .toEqual([{ envelopeTo: [optOutPatient.email] }]);

      // A manager sees it in the development mail.
      await managerPage.goto(`${app.baseUrl}/staff/mail`);
      await managerPage.locator("h1").first().waitFor();
      await checkPage(managerPage, "request-review-dev-mail", async () => {
        const rows = managerPage.locator("main tbody tr", { hasText: optOutPatient.email! });
        const templates = (await rows.locator("td:last-child").allTextContents()).map((t) => t.trim());
        expect(templates.filter((t) => t === templateName("outcome-opt-out-recorded"))).toHaveLength(1);
      });
    } catch (error) {
      await screenshot(page, "request-review-opt-out-journey").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("a clinician takes a 104 patient's opt-in through counselling to a decision; reception cannot decide it", async () => {
    let page = receptionPage;
    try {
      // Reception sees the request but is not offered the decision, and the server refuses one posted anyway.
      const id = await openFromQueue(page, optInReference, "request-review-opt-in-reception");
      await waitForState(page, "Triage");
      await checkPage(page, "request-review-opt-in-reception-checks", async () => {
        expect(await page.getByText("This patient has an active 104").count()).toBe(1);
        expect(await page.getByRole("button", { name: "Record the decision" }).count()).toBe(0);
        expect(await page.locator("main").textContent()).toContain(
          "Decide: An opt-in from a patient who needs an enhanced review must go to clinician review before it is decided.",
        );
      });
      const version = await page.locator('input[name="version"]').first().inputValue();
      const refused = await page.request.post(`${app.baseUrl}/staff/requests/${id}`, {
        headers: { Origin: app.baseUrl },
        form: { intent: "decide", version, outcome: "granted", toEnter: "106", accessLevel: "prospective-record", identityMethod: "record-match" },
        maxRedirects: 0,
      });
      expect(refused.status()).not.toBe(302);
      await page.reload();
      await heading(page, `Request ${optInReference}`).waitFor();
      await waitForState(page, "Triage");
      expect(await page.locator("h2", { hasText: /^Decision$/ }).count()).toBe(0);

      // The clinician sends it to clinician review, records the counselling, then decides.
      page = clinicianPage;
      await openFromQueue(page, optInReference, "request-review-opt-in-clinician-triage");
      await page.getByRole("button", { name: "Send to clinician review" }).click();
      await page.getByRole("button", { name: "Record counselling arranged" }).waitFor();
      await checkPage(page, "request-review-opt-in-clinician-review", async () => {
        await waitForState(page, "Clinician review");
      });

      const today = new Date();
      const counselling = page.locator("form", { has: page.getByRole("button", { name: "Record counselling arranged" }) });
      const date = counselling.getByRole("group", { name: "Date of the counselling conversation" });
      await date.getByLabel("Day").fill(String(today.getUTCDate()));
      await date.getByLabel("Month").fill(String(today.getUTCMonth() + 1));
      await date.getByLabel("Year").fill(String(today.getUTCFullYear()));
      await counselling.getByLabel("How the conversation took place").fill("By phone");
      await page.getByRole("button", { name: "Record counselling arranged" }).click();
      await page.getByRole("button", { name: "Record counselling arranged" }).waitFor({ state: "detached" });
      await checkPage(page, "request-review-opt-in-counselling", async () => {
        await waitForState(page, "Counselling");
        expect(await decideForm(page).getByLabel("How the conversation took place").inputValue()).toBe("By phone");
      });

      const form = decideForm(page);
      await form.getByRole("radio", { name: "Access granted" }).check();
      await form.getByRole("radio", { name: "106", exact: true }).check();
      await form.getByRole("radio", { name: "Prospective record access" }).check();
      await form.getByRole("radio", { name: "Known to staff" }).check();
      await page.getByRole("button", { name: "Record the decision" }).click();
      await page.locator("h3", { hasText: "Next step in the clinical system" }).waitFor();
      await checkPage(page, "request-review-opt-in-decided", async () => {
        await waitForState(page, "Decided");
        expect(await summaryValue(page, "Outcome").textContent()).toBe("Access granted");
        expect(await summaryValue(page, "Code to enter").textContent()).toBe("106");
        expect(await summaryValue(page, "Counselling").textContent()).toMatch(/^Counselling on .+ \(By phone\)\.$/);
        expect(await page.getByRole("button", { name: "Done in the clinical system" }).count()).toBe(1);
      });

      // The queue: the request moved from triage to decided.
      const after = await queueCounts(page, "request-review-queue-after-opt-in");
      expect(after).toEqual({ ...countsAfterOptOut, triage: countsAfterOptOut.triage! - 1, decided: countsAfterOptOut.decided! + 1 });
      expect(await queueReferences(page)).toContain(optInReference);
    } catch (error) {
      await screenshot(page, "request-review-opt-in-journey").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("reception enters a phone request, takes it, finds it by filter and by NHS number, and links an unmatched one", async () => {
    const page = receptionPage;
    const caller = identifiable.find((p) => p !== optOutPatient && p !== optInPatient && p.dateOfBirth < "2000-01-01")!;
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
        expect(await submission.textContent()).toContain(`Phone, taken and entered by ${reception.name}`);
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
