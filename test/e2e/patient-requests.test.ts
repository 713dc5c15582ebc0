import type { BrowserContext, Page, Response } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dateOfBirthWithAge } from "../../app/content/date-of-birth";
import { KIND_LABELS } from "../../app/content/requests";
import { ukLocalDay } from "../../app/domain/calendar";
import { ageOn } from "../../app/domain/eligibility";
import { normaliseName } from "../../app/domain/identity-match";
import { syntheticPatients, type SyntheticPatient } from "../../app/domain/synthetic-patients";
import { DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { runCli } from "../helpers/run-command";
import { checkPage, closeBrowser, launchBrowser, launchBrowserWithoutJavaScript, screenshot, signInThroughPages, trackCspViolations } from "./helpers/browser";

// Issue 6: each patient journey, from the start (or the personal link) to the
// confirmation page, then found in the staff queue; with JavaScript and
// without; axe and the CSP checked on every page, error pages included.

const reception = DEMO_STAFF.find((p) => p.role === "reception")!;
const START_TITLE = "Tell your GP practice what you want about seeing your record online";
const REFERENCE = /^RQ-[A-Z0-9]{4}-[A-Z0-9]{4}$/;
const LINK = /\/r\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/;

// The demo practice's list, as the server seeded it.
const demoList = syntheticPatients({ seed: DEMO_PRACTICE.odsCode, count: DEMO_PRACTICE.patients });
const byEmail = new Map(demoList.filter((p) => p.email !== null).map((p) => [p.email!, p]));
const identityOf = (p: { familyName: string; dateOfBirth: string; postcode: string }) =>
  `${normaliseName(p.familyName)}|${p.dateOfBirth}|${p.postcode.replace(/\s+/g, "").toUpperCase()}`;
const identityCounts = new Map<string, number>();
for (const p of demoList) identityCounts.set(identityOf(p), (identityCounts.get(identityOf(p)) ?? 0) + 1);
/** Patients with an email whose details match nobody else on the list: a full match is certain. */
const identifiable = demoList.filter((p) => p.email !== null && !p.deceased && identityCounts.get(identityOf(p)) === 1);
const datesOfBirth = new Set(demoList.map((p) => p.dateOfBirth));
const familyNames = new Set(demoList.map((p) => normaliseName(p.familyName)));

/** Someone nobody on the list resembles: a date of birth and a family name no patient has. */
function stranger(n: number) {
  let day = 1 + n;
  while (datesOfBirth.has(`1931-02-${String(day).padStart(2, "0")}`)) day++;
  const familyName = `Nobody-Here${"x".repeat(n)}`;
  expect(familyNames.has(normaliseName(familyName))).toBe(false);
  return {
    givenName: "Alex",
    familyName,
    dateOfBirth: `1931-02-${String(day).padStart(2, "0")}`,
    postcode: "LS1 4AP",
    nhsNumber: "",
    email: `stranger${n}@example.com`,
  };
}

interface LinkedPatient {
  url: string;
  patient: SyntheticPatient;
}

function dateParts(iso: string) {
  const [year, month, day] = iso.split("-");
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}

describe("patient requests in Chromium", () => {
  let app: AppUnderTest;
  let browser: BrowserContext;
  let browserWithoutJs: BrowserContext;
  let staff: Page;
  const links: LinkedPatient[] = [];
  // The confirmation page's text (reference removed) for a matched request, to compare the unmatched one with.
  const confirmationText: { matched?: string } = {};

  beforeAll(async () => {
    app = await startAppUnderTest({ env: { SENDING_HOURS: "00:00-24:00" } });
    browser = await launchBrowser();
    await trackCspViolations(browser);
    browserWithoutJs = await launchBrowserWithoutJavaScript();

    // Personal links go out with a campaign's emails: send the opt-out announcement.
    const env = { DATABASE_URL: app.databaseUrl };
    const created = await runCli(["campaign", "create", "--practice", DEMO_PRACTICE.odsCode, "--template", "opt-out-announcement", "--json"], env);
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    const sent = await runCli(["campaign", "send", "--id", id, "--ignore-sending-hours"], env);
    expect(sent.code, sent.stderr).toBe(0);
    const sql = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const deadline = Date.now() + 90_000;
      while (links.length < 2) {
        if (Date.now() > deadline) throw new Error("The app's worker sent no campaign email with a personal link in 90 seconds");
        const mails = await sql<{ envelopeTo: string[]; source: string }[]>`
          select envelope_to as "envelopeTo", source from dev_mail order by id limit 20`;
        links.length = 0;
        const seen = new Set<string>();
        for (const mail of mails) {
          // Quoted-printable soft line breaks may split the link.
          const match = LINK.exec(mail.source.replace(/=\r?\n/g, ""));
          const patient = byEmail.get(mail.envelopeTo[0] ?? "");
          if (!match || !patient || seen.has(patient.nhsNumber)) continue;
          seen.add(patient.nhsNumber);
          links.push({ url: `${app.baseUrl}/r/${match[1]}`, patient });
          if (links.length === 2) break;
        }
        if (links.length < 2) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await sql.end();
    }

    // Reception signs in once (a code from the app works once only) to look at the queue.
    staff = await browser.newPage();
    await signInThroughPages(staff, `${app.baseUrl}/staff/requests`, reception);
    await staff.locator("h1", { hasText: /^Requests$/ }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await closeBrowser(browser);
    await closeBrowser(browserWithoutJs);
    await app?.stop();
  });

  const heading = (page: Page, text: string | RegExp) => page.locator("h1", { hasText: text }).first();

  /** The checks every page must pass. Without JavaScript axe cannot run, so the page's own html is checked in the JavaScript browser. */
  async function onPage(page: Page, label: string, check: () => Promise<void>, withoutJs: boolean) {
    const name = `patient-requests-${label}`;
    if (!withoutJs) return checkPage(page, name, check);
    try {
      await check();
    } catch (error) {
      await screenshot(page, name).catch(() => {});
      throw error;
    }
    await checkSameHtmlWithJavaScript(page, name);
  }

  const lastDocument = new WeakMap<Page, Response>();
  async function newPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on("response", (response) => {
      if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) lastDocument.set(page, response);
    });
    return page;
  }

  /**
   * The page exactly as the browser without JavaScript has it, served with
   * the headers (CSP included) it came with, to the browser with JavaScript:
   * its scripts are left out, so nothing hydrates and what axe sees is what
   * someone without JavaScript gets.
   */
  async function checkSameHtmlWithJavaScript(page: Page, name: string) {
    const html = (await page.content())
      .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "")
      .replace(/<link\b[^>]*rel="modulepreload"[^>]*>/gi, "");
    expect(html).toContain("<h1");
    const headers = (await lastDocument.get(page)?.allHeaders()) ?? {};
    const replay = await browser.newPage();
    try {
      const url = page.url();
      await replay.route(url, (route) =>
        route.fulfill({
          status: 200,
          contentType: "text/html; charset=utf-8",
          headers: headers["content-security-policy"] ? { "content-security-policy": headers["content-security-policy"] } : {},
          body: html,
        }),
      );
      await replay.goto(url);
      await checkPage(replay, `${name}-replayed`, async () => {
        expect(await replay.title()).toBe(await page.title());
        expect(await replay.locator("main").textContent()).toBe(await page.locator("main").textContent());
        expect(await replay.evaluate(() => document.scripts.length)).toBe(0);
      });
    } finally {
      await replay.close();
    }
  }

  async function expectErrorSummary(page: Page, pageTitle: string, links: { text: string; href: string }[], withoutJs: boolean) {
    const summary = page.locator(".nhsuk-error-summary");
    await summary.waitFor();
    expect(await page.title()).toBe(`Error: ${pageTitle}`);
    const anchors = summary.getByRole("link");
    expect(await anchors.allTextContents()).toEqual(links.map((l) => l.text));
    for (const [i, link] of links.entries()) {
      expect(await anchors.nth(i).getAttribute("href")).toBe(link.href);
      expect(await page.locator(link.href).count(), `${link.href} is on the page`).toBe(1);
    }
    if (!withoutJs) {
      // Focused, so that a screen reader reads it first.
      await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("nhsuk-error-summary"))).toBe(true);
    }
  }

  async function sentReference(page: Page, label: string, withoutJs: boolean): Promise<string> {
    await heading(page, "Request sent").waitFor();
    let reference = "";
    await onPage(
      page,
      `${label}-sent`,
      async () => {
        expect(await page.title()).toBe("Request sent");
        reference = ((await page.locator(".nhsuk-card--confirmation strong").textContent()) ?? "").trim();
        expect(reference).toMatch(REFERENCE);
        expect(new URL(page.url()).pathname).toBe("/requests/sent");
        expect(new URL(page.url()).searchParams.get("ref")).toBe(reference);
        await expect(page.locator("main").textContent()).resolves.toContain("What happens next");
      },
      withoutJs,
    );
    return reference;
  }

  const mainText = async (page: Page, reference: string) => ((await page.locator("main").textContent()) ?? "").replace(reference, "RQ-XXXX-XXXX");

  /** The row of the staff queue for a reference, cell by cell. */
  async function queueRow(reference: string): Promise<string[]> {
    await staff.goto(`${app.baseUrl}/staff/requests`);
    await heading(staff, /^Requests$/).waitFor();
    const row = staff.getByRole("table", { name: /matching requests$/ }).locator("tbody tr", { hasText: reference });
    expect(await row.count(), `${reference} is in the queue`).toBe(1);
    return (await row.locator("td").allTextContents()).map((cell) => cell.trim());
  }

  // -------------------------------------------------------------------------
  // The journeys, with JavaScript or without
  // -------------------------------------------------------------------------

  async function optOutByLink(context: BrowserContext, linked: LinkedPatient, label: string, withoutJs: boolean) {
    const page = await newPage(context);
    try {
      await page.goto(linked.url);
      await heading(page, "Confirm your date of birth").waitFor();
      await onPage(
        page,
        `${label}-dob`,
        async () => {
          expect(await page.title()).toBe("Confirm your date of birth");
          // Nothing about the patient or the practice before the date of birth matches.
          const text = (await page.locator("main").textContent()) ?? "";
          expect(text).not.toContain(linked.patient.givenName);
          expect(text).not.toContain(linked.patient.familyName);
          expect(text).not.toContain(DEMO_PRACTICE.name);
          expect(await page.getByLabel("Day").getAttribute("autocomplete")).toBe("bday-day");
          if (withoutJs) expect(await page.evaluate(() => (window as { __remixRouter?: unknown }).__remixRouter)).toBeUndefined();
        },
        withoutJs,
      );

      // Continuing with nothing typed says what to do.
      await page.getByRole("button", { name: "Continue" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await onPage(
        page,
        `${label}-dob-error`,
        () => expectErrorSummary(page, "Confirm your date of birth", [{ text: "Enter your date of birth", href: "#dateOfBirth" }], withoutJs),
        withoutJs,
      );

      const dob = dateParts(linked.patient.dateOfBirth);
      await page.getByLabel("Day").fill(dob.day);
      await page.getByLabel("Month").fill(dob.month);
      await page.getByLabel("Year").fill(dob.year);
      await page.getByRole("button", { name: "Continue" }).click();
      await heading(page, "What would you like to do?").waitFor();
      await onPage(page, `${label}-kind`, async () => {
        expect(await page.getByRole("radio").count()).toBe(3);
      }, withoutJs);

      // Nothing chosen: an error, then the choice.
      await page.getByRole("button", { name: "Continue" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await onPage(
        page,
        `${label}-kind-error`,
        () => expectErrorSummary(page, "What would you like to do?", [{ text: "Select what you would like to do", href: "#kind" }], withoutJs),
        withoutJs,
      );
      await page.getByRole("radio", { name: KIND_LABELS["opt-out"] }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await heading(page, "What would you like to keep online?").waitFor();
      await onPage(page, `${label}-questions`, async () => {
        expect(await page.getByRole("radio").count()).toBe(2);
      }, withoutJs);

      const keep = "I do not want to see my record, but I want to keep booking appointments and ordering prescriptions online";
      await page.getByRole("radio", { name: keep }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await heading(page, "Check your answers before sending your request").waitFor();
      await onPage(page, `${label}-check`, async () => {
        const answers = (await page.locator(".nhsuk-summary-list").textContent()) ?? "";
        expect(answers).toContain(KIND_LABELS["opt-out"]);
        expect(answers).toContain(keep);
      }, withoutJs);

      await page.getByRole("button", { name: "Send request" }).click();
      const reference = await sentReference(page, label, withoutJs);
      const row = await queueRow(reference);
      const { givenName, familyName } = linked.patient;
      expect(row.slice(0, 4)).toEqual([
        reference,
        "Opt out (Personal link)",
        expect.stringMatching(new RegExp(`^${givenName} ${familyName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, \\d{3} \\d{3} \\d{4}$`)),
        "Triage",
      ]);
    } catch (error) {
      await screenshot(page, `patient-requests-${label}-journey`).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  }

  interface Details {
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    postcode: string;
    nhsNumber: string;
    email: string;
  }

  /** From the start page through "your details" (with one error on the way) to the kind's questions. */
  async function startAndIdentify(page: Page, kind: keyof typeof KIND_LABELS, details: Details, label: string, withoutJs: boolean) {
    await page.goto(`${app.baseUrl}/requests?practice=${DEMO_PRACTICE.odsCode}`);
    await heading(page, START_TITLE).waitFor();
    await onPage(page, `${label}-start`, async () => {
      expect(await page.title()).toBe(START_TITLE);
      expect(await page.getByRole("radio").count()).toBe(3);
      if (withoutJs) expect(await page.evaluate(() => (window as { __remixRouter?: unknown }).__remixRouter)).toBeUndefined();
    }, withoutJs);

    await page.getByRole("radio", { name: KIND_LABELS[kind] }).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await heading(page, "Your details").waitFor();
    await onPage(page, `${label}-details`, async () => {
      expect(await page.getByLabel("Postcode").getAttribute("autocomplete")).toBe("postal-code");
      expect(await page.getByLabel("First name").getAttribute("autocomplete")).toBe("given-name");
    }, withoutJs);

    // Everything but the postcode.
    const dob = dateParts(details.dateOfBirth);
    await page.getByLabel("First name").fill(details.givenName);
    await page.getByLabel("Last name").fill(details.familyName);
    await page.getByLabel("Day").fill(dob.day);
    await page.getByLabel("Month").fill(dob.month);
    await page.getByLabel("Year").fill(dob.year);
    await page.getByLabel("NHS number (optional)").fill(details.nhsNumber);
    await page.getByLabel("Email address").fill(details.email);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    await onPage(
      page,
      `${label}-details-error`,
      async () => {
        await expectErrorSummary(page, "Your details", [{ text: "Enter your postcode", href: "#postcode" }], withoutJs);
        expect(await page.locator("#postcode-error").textContent()).toBe("Error: Enter your postcode");
        expect(await page.getByLabel("Postcode").getAttribute("aria-describedby")).toContain("postcode-error");
        // What was typed is kept.
        expect(await page.getByLabel("Last name").inputValue()).toBe(details.familyName);
        expect(await page.getByLabel("Year").inputValue()).toBe(dob.year);
      },
      withoutJs,
    );
    if (!withoutJs) {
      // The summary's link takes you to the field.
      await page.locator(".nhsuk-error-summary").getByRole("link", { name: "Enter your postcode" }).click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("postcode");
    }

    await page.getByLabel("Postcode").fill(details.postcode);
    await page.getByRole("button", { name: "Continue" }).click();
  }

  async function checkAndSend(page: Page, label: string, withoutJs: boolean, expected: string[]) {
    await heading(page, "Check your answers before sending your request").waitFor();
    await onPage(page, `${label}-check`, async () => {
      const answers = (await page.locator("main").textContent()) ?? "";
      for (const text of expected) expect(answers).toContain(text);
    }, withoutJs);
    await page.getByRole("button", { name: "Send request" }).click();
    return sentReference(page, label, withoutJs);
  }

  async function optInByIdentifying(context: BrowserContext, patient: SyntheticPatient, label: string, withoutJs: boolean) {
    const page = await newPage(context);
    try {
      const details = {
        givenName: patient.givenName,
        familyName: patient.familyName,
        dateOfBirth: patient.dateOfBirth,
        postcode: patient.postcode,
        // The NHS number is optional: given in one run, left out in the other.
        nhsNumber: withoutJs ? "" : patient.nhsNumber,
        email: patient.email!,
      };
      await startAndIdentify(page, "opt-in", details, label, withoutJs);
      await heading(page, "Before you ask for access").waitFor();
      await onPage(page, `${label}-questions`, async () => {
        expect(await page.getByRole("checkbox").count()).toBe(3);
      }, withoutJs);

      // The number to call is asked under "Phone": with JavaScript it shows once "Phone" is chosen;
      // without, it is always there, and the server asks for it only when "Phone" was chosen.
      const phoneNumber = page.getByLabel("Phone number", { exact: true });
      // (With JavaScript, once the page has hydrated.)
      await expect.poll(() => phoneNumber.isVisible()).toBe(withoutJs);
      await page.getByRole("radio", { name: "Phone", exact: true }).check();
      await expect.poll(() => phoneNumber.isVisible()).toBe(true);
      if (!withoutJs) {
        expect(await page.getByRole("radio", { name: "Phone", exact: true }).getAttribute("aria-controls")).toBe("conditional-contactWay");
        await onPage(page, `${label}-questions-phone-revealed`, async () => {
          expect(await phoneNumber.getAttribute("autocomplete")).toBe("tel");
        }, withoutJs);
        // Choosing another way hides it again.
        await page.getByRole("radio", { name: "Letter", exact: true }).check();
        await expect.poll(() => phoneNumber.isVisible()).toBe(false);
        await page.getByRole("radio", { name: "Phone", exact: true }).check();
      }

      // One declaration left unticked and no number: an error for each, and nothing typed is lost.
      await page.getByLabel("I understand I may see information I find upsetting, or that I did not know").check();
      await page.getByLabel("I will keep my login details safe and not share them with anyone").check();
      await page.getByLabel("When is it safe to contact you?").fill("Weekday mornings");
      await page.getByRole("button", { name: "Continue" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await onPage(
        page,
        `${label}-questions-error`,
        async () => {
          await expectErrorSummary(
            page,
            "Before you ask for access",
            [
              { text: "Confirm that you will tell your GP practice if something is wrong", href: "#declarationTellPractice" },
              { text: "Enter a phone number your GP practice can safely call you on", href: "#contactPhone" },
            ],
            withoutJs,
          );
          expect(await phoneNumber.isVisible()).toBe(true);
          expect(await page.locator("#contactPhone-error").textContent()).toBe("Error: Enter a phone number your GP practice can safely call you on");
          expect(await page.getByRole("radio", { name: "Phone", exact: true }).isChecked()).toBe(true);
          expect(await page.getByLabel("When is it safe to contact you?").inputValue()).toBe("Weekday mornings");
        },
        withoutJs,
      );
      if (!withoutJs) {
        await page.locator(".nhsuk-error-summary").getByRole("link", { name: "Enter a phone number your GP practice can safely call you on" }).click();
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("contactPhone");
      }
      await page.getByLabel("I will tell my GP practice if something in my record is wrong or is about someone else").check();
      await phoneNumber.fill(withoutJs ? "+44 (0)113 496-0000" : "(0113) 496 0000");
      await page.getByRole("button", { name: "Continue" }).click();

      const reference = await checkAndSend(page, label, withoutJs, [patient.familyName, patient.email!, KIND_LABELS["opt-in"], "Weekday mornings", "Phone number", "0113 496 0000"]);
      confirmationText.matched ??= await mainText(page, reference);
      const row = await queueRow(reference);
      expect(row.slice(0, 4)).toEqual([
        reference,
        "Asks for access (Online form)",
        expect.stringMatching(new RegExp(`^${patient.givenName} ${patient.familyName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, \\d{3} \\d{3} \\d{4}$`)),
        "Triage",
      ]);
    } catch (error) {
      await screenshot(page, `patient-requests-${label}-journey`).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  }

  async function withdrawUnmatched(context: BrowserContext, n: number, label: string, withoutJs: boolean) {
    const page = await newPage(context);
    try {
      const details = stranger(n);
      await startAndIdentify(page, "withdraw-opt-out", details, label, withoutJs);
      await heading(page, "Changing your mind").waitFor();
      await onPage(page, `${label}-questions`, async () => {
        expect(await page.getByRole("checkbox").count()).toBe(1);
      }, withoutJs);

      await page.getByRole("button", { name: "Continue" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await onPage(
        page,
        `${label}-questions-error`,
        () =>
          expectErrorSummary(
            page,
            "Changing your mind",
            [{ text: "Confirm that you now want to see your GP health record online", href: "#withdrawConfirm" }],
            withoutJs,
          ),
        withoutJs,
      );
      await page.getByLabel("I now want to see new entries in my GP health record online").check();
      await page.getByRole("button", { name: "Continue" }).click();

      const reference = await checkAndSend(page, label, withoutJs, [details.familyName, KIND_LABELS["withdraw-opt-out"]]);
      // Matched or not, the same page.
      expect(confirmationText.matched).toBeDefined();
      expect(await mainText(page, reference)).toBe(confirmationText.matched);
      const row = await queueRow(reference);
      expect(row.slice(0, 4)).toEqual([reference, "Withdraws an opt-out (Online form)", "Not yet confirmed", "Identity to check"]);
    } catch (error) {
      await screenshot(page, `patient-requests-${label}-journey`).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  }

  it("the staff queue itself passes the checks", async () => {
    await staff.goto(`${app.baseUrl}/staff/requests`);
    await heading(staff, /^Requests$/).waitFor();
    await checkPage(staff, "patient-requests-queue", async () => {
      expect(await staff.title()).toBe("Requests");
    });
  });

  it("opt out by personal link, with JavaScript", () => optOutByLink(browser, links[0]!, "link-js", false), 120_000);
  it("ask for access by identifying yourself, with JavaScript", () => optInByIdentifying(browser, identifiable[0]!, "opt-in-js", false), 120_000);
  it("withdraw an opt-out with details that match nobody, with JavaScript", () => withdrawUnmatched(browser, 1, "withdraw-js", false), 120_000);

  it("opt out by personal link, without JavaScript", () => optOutByLink(browserWithoutJs, links[1]!, "link-nojs", true), 120_000);
  it("ask for access by identifying yourself, without JavaScript", () => optInByIdentifying(browserWithoutJs, identifiable[1]!, "opt-in-nojs", true), 120_000);
  it("withdraw an opt-out with details that match nobody, without JavaScript", () => withdrawUnmatched(browserWithoutJs, 2, "withdraw-nojs", true), 120_000);

  /** Staff find a patient on the "enter a request" page by NHS number and choose them. */
  async function chooseForEntry(patient: SyntheticPatient) {
    await staff.goto(`${app.baseUrl}/staff/requests/new`);
    await staff.getByLabel("Find the patient").fill(patient.nhsNumber);
    await staff.getByRole("button", { name: "Search" }).click();
    const row = staff.locator("tbody tr", { hasText: `${patient.givenName} ${patient.familyName}` });
    await row.waitFor();
    expect(await row.textContent()).toContain(dateOfBirthWithAge(patient.dateOfBirth, ukLocalDay(new Date())));
    await row.getByRole("link", { name: /^Choose/ }).click();
    await staff.getByRole("heading", { name: "Patient", exact: true }).waitFor();
  }

  async function fillEntry(kind: string) {
    await staff.getByRole("radio", { name: kind }).check();
    await staff.getByRole("radio", { name: "By phone" }).check();
    await staff.getByRole("radio", { name: "I know the patient" }).check();
  }

  it("staff entering a request see the patient's age, are turned away for a child, and are asked the safe number in the online form's words", async () => {
    const today = ukLocalDay(new Date());
    const child = demoList.find((p) => !p.deceased && ageOn(p.dateOfBirth, today) < 16 && identityCounts.get(identityOf(p)) === 1)!;
    const age = ageOn(child.dateOfBirth, today);
    const refusal = `${child.givenName} ${child.familyName} is ${age}: this service is for patients aged 16 and over. Access for under-16s and proxy access are handled in EMIS Web, not here.`;
    await chooseForEntry(child);
    await checkPage(staff, "patient-requests-staff-entry-child", async () => {
      const main = (await staff.locator("main").textContent()) ?? "";
      expect(main).toContain(dateOfBirthWithAge(child.dateOfBirth, today));
      expect(main).toContain(refusal);
    });
    await fillEntry("Access: to see their GP record online");
    await staff.getByRole("radio", { name: "Email", exact: true }).check();
    await staff.getByLabel("When is it safe to contact you?").fill("After school");
    await staff.getByRole("button", { name: "Enter the request" }).click();
    await staff.locator(".nhsuk-error-summary").waitFor();
    await checkPage(staff, "patient-requests-staff-entry-child-refused", async () => {
      expect(await staff.title()).toBe("Error: Enter a request for a patient");
      expect(await staff.locator(".nhsuk-error-summary").getByRole("link").allTextContents()).toEqual([refusal]);
      expect(await staff.getByLabel("When is it safe to contact you?").inputValue()).toBe("After school");
    });

    const adult = identifiable.filter((p) => ageOn(p.dateOfBirth, today) >= 18)[4]!;
    await chooseForEntry(adult);
    await fillEntry("Access: to see their GP record online");
    const phoneNumber = staff.getByLabel("Phone number", { exact: true });
    await expect.poll(() => phoneNumber.isVisible()).toBe(false);
    await staff.getByRole("radio", { name: "Phone", exact: true }).check();
    await expect.poll(() => phoneNumber.isVisible()).toBe(true);
    await staff.getByLabel("When is it safe to contact you?").fill("Weekday mornings");
    await staff.getByRole("button", { name: "Enter the request" }).click();
    await staff.locator(".nhsuk-error-summary").waitFor();
    await checkPage(staff, "patient-requests-staff-entry-phone-error", async () => {
      expect(await staff.locator(".nhsuk-error-summary").getByRole("link").allTextContents()).toEqual(["Enter the phone number the practice can safely call the patient on"]);
      expect(await phoneNumber.isVisible()).toBe(true);
    });
    await phoneNumber.fill("07700 900 123");
    await staff.getByRole("button", { name: "Enter the request" }).click();
    // Entered: on to the request's own page.
    await staff.waitForURL(/\/staff\/requests\/[0-9a-f-]{36}\?entered=(new|joined)$/);
  }, 120_000);

  it("every patient page reflows at 400% zoom: nothing needs scrolling sideways", async () => {
    // 1280 × 1024 CSS pixels at 400% zoom is a 320 × 256 viewport (WCAG 1.4.10).
    const page = await browser.newPage();
    try {
      await page.setViewportSize({ width: 320, height: 256 });
      const fitsWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      for (const path of [
        `/requests?practice=${DEMO_PRACTICE.odsCode}`,
        `/requests/new?practice=${DEMO_PRACTICE.odsCode}&kind=opt-in`,
        "/r/this-link-does-not-work",
        `/requests/sent?ref=RQ-ABCD-EFGH`,
      ]) {
        await page.goto(`${app.baseUrl}${path}`);
        expect(await fitsWidth(), `${path} fits 320 CSS pixels`).toBe(true);
      }
      // A page with errors too: every message and field still fits.
      await page.goto(`${app.baseUrl}/requests/new?practice=${DEMO_PRACTICE.odsCode}&kind=opt-in`);
      await page.getByRole("button", { name: "Continue" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      expect(await fitsWidth(), "the details page with errors fits 320 CSS pixels").toBe(true);
    } finally {
      await page.close();
    }
  });
});
