import type { BrowserContext, Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatNhsNumber } from "../../app/domain/nhs-number";
import { DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { checkPage, closeBrowser, launchBrowser, signInThroughPages, trackCspViolations } from "./helpers/browser";

// Issue 18, point 7: a manager reads one patient's audit trail at 1280 px wide. Long words (an
// address, a search typed without spaces) wrap inside the table: the page never scrolls sideways.

const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
const LONG_WORD = `Featherstonehaugh${"x".repeat(80)}`;

describe("the audit trail in Chromium", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;
  let browser: BrowserContext;
  let page: Page;
  let nhsNumber = "";

  beforeAll(async () => {
    app = await startAppUnderTest();
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    const [patient] = await admin<{ nhs_number: string }[]>`
      select nhs_number from patients where registration = 'registered' and not deceased order by nhs_number limit 1`;
    nhsNumber = patient!.nhs_number;
    browser = await launchBrowser();
    await trackCspViolations(browser);
    page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await signInThroughPages(page, `${app.baseUrl}/staff/patients?nhsNumber=${nhsNumber}`, manager);
    await page.waitForURL("**/staff/patients?**");
    await page.goto(`${app.baseUrl}/staff/requests?q=${LONG_WORD}`);
  });
  afterAll(async () => {
    await closeBrowser(browser);
    await admin?.end();
    await app?.stop();
  });

  const scrollsSideways = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  const tableText = async () => (await page.getByRole("table").textContent()) ?? "";

  it("shows the whole trail in sentences that wrap, at 1280 px", async () => {
    await page.goto(`${app.baseUrl}/staff/audit`);
    await checkPage(page, "audit-trail", async () => {
      const text = await tableText();
      expect(text).toContain(`Morgan Manager (manager) looked at the record of patient ${formatNhsNumber(nhsNumber)}.`);
      expect(text).toContain(LONG_WORD.toLowerCase());
      expect(text).not.toMatch(/[{}]/);
      expect(await scrollsSideways()).toBe(false);
    });
  });

  it("filters by the patient's NHS number, typed with spaces, and offers the CSV", async () => {
    await page.getByLabel("Patient's NHS number").fill(formatNhsNumber(nhsNumber));
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL("**/staff/audit?**patient=**");
    await checkPage(page, "audit-trail-patient", async () => {
      expect(await tableText()).toContain(`looked at the record of patient ${formatNhsNumber(nhsNumber)}`);
      expect(await tableText()).not.toContain("searched the requests");
      await expect(page.getByRole("link", { name: /as a spreadsheet \(CSV\)/ }).getAttribute("href")).resolves.toMatch(/^\/staff\/audit\.csv\?patient=/);
      expect(await scrollsSideways()).toBe(false);
    });
  });

  it("names the field when the NHS number is not one, and keeps what was typed", async () => {
    await page.getByLabel("Patient's NHS number").fill("943 476 5918");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    await checkPage(page, "audit-trail-error", async () => {
      expect(await page.title()).toBe("Error: Audit trail");
      await expect(page.getByRole("alert").textContent()).resolves.toContain("The patient's NHS number is not valid: check the 10 digits");
      await expect(page.getByLabel("Patient's NHS number").inputValue()).resolves.toBe("943 476 5918");
      expect(await scrollsSideways()).toBe(false);
    });
  });
});
