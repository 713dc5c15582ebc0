import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPatients } from "../../app/domain/synthetic-patients";
import { DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { runCli } from "../helpers/run-command";
import { checkPage, closeBrowser, launchBrowser, launchBrowserWithoutJavaScript, screenshot, signInThroughPages, trackCspViolations } from "./helpers/browser";

const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
const FIXTURE = fileURLToPath(new URL("../fixtures/patients-sample.csv", import.meta.url));
// The demo practice has 2,000 patients, so a file of 18 would mark nearly all
// of them as gone: the shrink guard refuses it. The full journey runs in a
// second, empty practice that the manager also works for.
const FRESH = { odsCode: "T70001", name: "Fresh Start Surgery" };
// Enough rows that checking the file takes a few seconds, so the progress
// page is there to see.
const BIG_FILE_PATIENTS = 150_000;
const JOB_PATH = /\/staff\/import\/[0-9a-f]{32}$/;

describe("importing the patient list in Chromium", () => {
  let app: AppUnderTest;
  let browser: BrowserContext;
  let browserWithoutJs: BrowserContext;
  let dir: string;
  let demoJobUrl = "";

  beforeAll(async () => {
    app = await startAppUnderTest();
    browser = await launchBrowser();
    await trackCspViolations(browser);
    dir = mkdtempSync(path.join(os.tmpdir(), "portal-e2e-import-"));
  });
  afterAll(async () => {
    await closeBrowser(browser);
    await closeBrowser(browserWithoutJs);
    rmSync(dir, { recursive: true, force: true });
    await app?.stop();
  });

  const onPage = (page: Page, label: string, check: () => Promise<void>) => checkPage(page, `import-${label}`, check);

  const heading = (page: Page) => page.locator("h1").first();
  const summaryValue = async (page: Page, key: string) =>
    (await page.locator(".nhsuk-summary-list__row", { has: page.locator("dt", { hasText: new RegExp(`^${key}$`) }) }).locator("dd").textContent())?.trim();

  async function upload(page: Page, file: string, format: "Canonical CSV" | "EMIS Web" | "SystmOne") {
    await page.getByLabel("Patient list (CSV)").setInputFiles(file);
    await page.getByRole("radio", { name: format }).check();
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await page.waitForURL(JOB_PATH);
  }

  it("a manager's upload of a short list is refused by the shrink guard, with nothing to confirm", async () => {
    const page = await browser.newPage();
    await signInThroughPages(page, `${app.baseUrl}/staff/import`, manager);
    await page.waitForURL("**/staff/import");
    await heading(page).filter({ hasText: "Import the patient list" }).waitFor();
    await onPage(page, "upload", async () => {
      expect(await page.title()).toBe("Import the patient list");
      expect(await page.getByRole("navigation", { name: "Staff sections" }).getByRole("link", { name: "Import patient list" }).getAttribute("href")).toBe("/staff/import");
    });

    await page.getByRole("button", { name: "Upload and preview" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    await onPage(page, "upload-error", async () => {
      expect(await page.title()).toBe("Error: Import the patient list");
      const summary = await page.locator(".nhsuk-error-summary").textContent();
      expect(summary).toContain("Select a CSV file");
      expect(summary).toContain("Select where the file is from");
    });

    await upload(page, FIXTURE, "Canonical CSV");
    demoJobUrl = page.url();
    await heading(page).filter({ hasText: "This file cannot be imported" }).waitFor({ timeout: 30_000 });
    await onPage(page, "refused", async () => {
      expect(await page.title()).toBe("Error: This file cannot be imported");
      await expect(page.locator(".nhsuk-error-summary").textContent()).resolves.toMatch(
        /This file would mark 2,000 of the 2,000 registered patients \(100%\) as no longer registered, more than 20%/,
      );
      expect(await page.getByRole("button", { name: "Confirm and import" }).count()).toBe(0);
      // Only an explicit second step can override the guard.
      expect(await page.getByRole("button", { name: "Preview again, allowing this" }).count()).toBe(1);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    });
  });

  it("in a practice of its own, the manager previews the sample list, downloads the report, confirms, and sees it imported", async () => {
    const env = { DATABASE_URL: app.databaseUrl };
    expect((await runCli(["practice", "add", "--ods", FRESH.odsCode, "--name", FRESH.name, "--system", "emis"], env)).code).toBe(0);
    expect((await runCli(["staff", "add", "--practice", FRESH.odsCode, "--email", manager.email, "--name", manager.name, "--role", "manager"], env)).code).toBe(0);

    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/staff/practice`);
    await page.getByRole("button", { name: `${FRESH.name} (${FRESH.odsCode}), Practice manager` }).click();
    await page.waitForURL(/\/staff$/);

    // The demo practice's job is not this practice's to see.
    expect((await page.goto(demoJobUrl))?.status()).toBe(404);

    await page.goto(`${app.baseUrl}/staff/import`);
    await upload(page, FIXTURE, "Canonical CSV");
    const jobUrl = page.url();
    await heading(page).filter({ hasText: "Check the changes before you import" }).waitFor({ timeout: 30_000 });
    await onPage(page, "preview", async () => {
      expect(await page.title()).toBe("Check the changes before you import");
      expect(await heading(page).textContent()).toContain("patients-sample.csv (Canonical CSV)");
      expect(await summaryValue(page, "New patients")).toBe("18");
      expect(await summaryValue(page, "Updated")).toBe("0");
      expect(await summaryValue(page, "Unchanged")).toBe("0");
      expect(await summaryValue(page, "No longer registered")).toBe("0");
      expect(await summaryValue(page, "Rows rejected \\(not imported\\)")).toBe("2");
      expect(await summaryValue(page, "Warnings")).toBe("1");
      const rejected = page.getByRole("table", { name: "2 rejected rows" });
      expect(await rejected.locator("tbody tr").count()).toBe(2);
      await expect(rejected.locator("tbody tr").first().textContent()).resolves.toMatch(/^12nhs_number.*9991824708/);
      const warnings = page.getByRole("table", { name: "1 warning" });
      await expect(warnings.locator("tbody tr").first().textContent()).resolves.toMatch(/^11email/);
      expect(await page.getByRole("link", { name: "Cancel" }).getAttribute("href")).toBe("/staff/import");
    });

    const reportHref = await page.getByRole("link", { name: /Download the full report/ }).getAttribute("href");
    expect(reportHref).toBe(`${new URL(jobUrl).pathname}/report.csv`);
    const report = await page.request.get(`${app.baseUrl}${reportHref}`);
    expect(report.status()).toBe(200);
    expect(report.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect(report.headers()["content-disposition"]).toBe('attachment; filename="import-report.csv"');
    const records = parse(await report.text(), { bom: true }) as string[][];
    expect(records.map(([kind, row, field]) => [kind, row, field])).toEqual([
      ["kind", "row", "field"],
      ["rejected", "12", "nhs_number"],
      ["rejected", "13", "date_of_birth"],
      ["warning", "11", "email"],
    ]);

    await page.getByRole("button", { name: "Confirm and import" }).click();
    await heading(page).filter({ hasText: "What the import changed" }).waitFor({ timeout: 30_000 });
    expect(page.url()).toBe(jobUrl);
    await onPage(page, "imported", async () => {
      expect(await page.title()).toBe("Patient list imported");
      const banner = (await page.locator(".nhsuk-notification-banner--success").textContent()) ?? "";
      expect(banner).toContain("18 new patients, 0 updated, 0 unchanged, 0 no longer registered.");
      expect(banner).toContain("2 rows were rejected and there was 1 warning.");
    });

    // The patients are there: the staff home counts them, and the trend has this import.
    await page.goto(`${app.baseUrl}/staff`);
    await onPage(page, "dashboard", async () => {
      await expect(page.getByRole("table", { name: /^Eligible patients on/ }).textContent()).resolves.toMatch(/Total eligible16/);
      // 4 of the 16 have an active 104: above 10%, so the page says to look again.
      expect(await page.locator(".nhsuk-card--warning").first().textContent()).toContain("More than 1 in 10 eligible patients have an active 104");
      const trend = page.getByRole("table", { name: "After each import" });
      const cells = (await trend.locator("tbody tr").first().locator("td").allTextContents()).map((t) => t.trim());
      expect(cells.slice(1)).toEqual(["16", "4", "25.0%", "2"]);
      // The charts carry the same numbers as the table beside them.
      const charts = page.locator("svg.app-trend-chart");
      expect(await charts.count()).toBe(2);
      expect(await charts.first().getAttribute("role")).toBe("img");
      expect(await charts.first().locator("title").textContent()).toBe(`Active 104 share after each import: ${cells[0]} 25%.`);
      expect(await charts.nth(1).locator("title").textContent()).toBe(`Patients who declined online access after each import: ${cells[0]} 2.`);
    });

    // The monthly report shows the same list figures, and downloads as CSV.
    await page.getByRole("link", { name: "Monthly report for the ICB" }).click();
    await page.locator("h1", { hasText: "Monthly report" }).waitFor();
    await onPage(page, "monthly-report", async () => {
      const figures = page.getByRole("table").first();
      const rows = Object.fromEntries(
        await figures.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.children[0]?.textContent?.trim(), tr.children[1]?.textContent?.trim()])),
      );
      expect(rows["Eligible patients"]).toBe("16");
      expect(rows["Active 104 share"]).toBe("25.0%");
    });
    const csv = await page.request.get(`${app.baseUrl}${await page.getByRole("link", { name: "CSV" }).getAttribute("href")}`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split("\r\n")).toContain("eligible,16");
  });

  it("with JavaScript off, the upload, the self-updating progress page and the confirm all work", async () => {
    const fixture = readFileSync(FIXTURE, "utf8").trimEnd();
    const inFixture = new Set(fixture.split(/\r?\n/).map((line) => line.split(",")[0]));
    const lines = [fixture];
    for (const p of syntheticPatients({ seed: "e2e-import", count: BIG_FILE_PATIENTS + 100 })) {
      if (inFixture.has(p.nhsNumber) || lines.length > BIG_FILE_PATIENTS) continue;
      lines.push(`${p.nhsNumber},${p.givenName},${p.familyName},${p.dateOfBirth},${p.addressLine1},,Leeds,,${p.postcode},,,N,N,N,,,`);
    }
    const bigFile = path.join(dir, "whole-list.csv");
    writeFileSync(bigFile, `${lines.join("\r\n")}\r\n`);

    // The same signed-in session: a code from the app works once only.
    browserWithoutJs = await launchBrowserWithoutJavaScript();
    await browserWithoutJs.addCookies(await browser.cookies());
    const page = await browserWithoutJs.newPage();
    try {
      await page.goto(`${app.baseUrl}/staff/import`);
      await page.getByRole("button", { name: "Upload and preview" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Select a CSV file");
      expect(await page.evaluate(() => (window as { __remixRouter?: unknown }).__remixRouter)).toBeUndefined();

      await upload(page, bigFile, "Canonical CSV");
      const jobUrl = page.url();
      await heading(page).filter({ hasText: "Checking the file" }).waitFor();
      expect(await page.locator('meta[http-equiv="refresh"]').getAttribute("content")).toBe("2");
      expect(await page.getByLabel("How much of the file has been read").getAttribute("aria-describedby")).toBe("import-progress-text");
      expect(await page.locator("#import-progress-text").textContent()).toMatch(/^\d+% read, [\d,]+ rows? so far$/);

      // Someone who would rather the page kept still can stop it refreshing.
      await page.getByRole("link", { name: "Stop updating this page automatically" }).click();
      await page.waitForURL(`${jobUrl}?refresh=off`);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);

      // With JavaScript the same page does not reload: it fetches fresh data
      // (the refresh sits in <noscript>), so it passes the accessibility scan
      // and moves on to the preview by itself.
      const live = await browser.newPage();
      await live.goto(jobUrl);
      await onPage(live, "progress", async () => {
        expect(await live.title()).toBe("Checking the file");
        expect(await live.locator("progress").count()).toBe(1);
        expect(await live.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      });
      await heading(live).filter({ hasText: "Check the changes before you import" }).waitFor({ timeout: 120_000 });
      await live.close();

      // Back on the self-updating page, only the refresh can bring the preview.
      await page.goto(jobUrl);
      await heading(page).filter({ hasText: "Check the changes before you import" }).waitFor({ timeout: 120_000 });
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      expect(await summaryValue(page, "New patients")).toBe(BIG_FILE_PATIENTS.toLocaleString("en-GB"));
      expect(await summaryValue(page, "Unchanged")).toBe("18");
      expect(await summaryValue(page, "No longer registered")).toBe("0");
      expect(await summaryValue(page, "Rows rejected \\(not imported\\)")).toBe("2");

      await page.getByRole("button", { name: "Confirm and import" }).click();
      await page.waitForURL(jobUrl);
      await heading(page).filter({ hasText: "Importing the patient list" }).waitFor();
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(1);
      await heading(page).filter({ hasText: "What the import changed" }).waitFor({ timeout: 120_000 });
      expect(await page.locator(".nhsuk-notification-banner--success").textContent()).toContain(
        `${BIG_FILE_PATIENTS.toLocaleString("en-GB")} new patients, 0 updated, 18 unchanged, 0 no longer registered.`,
      );
    } catch (error) {
      await screenshot(page, "import-without-javascript").catch(() => {});
      throw error;
    }
  }, 300_000);
});
