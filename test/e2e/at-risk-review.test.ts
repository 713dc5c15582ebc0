import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { checkPage, closeBrowser, launchBrowser, signInThroughPages, trackCspViolations } from "./helpers/browser";

// Without JavaScript, the same forms are plain POSTs: see test/integration/at-risk-review.test.ts.
const clinician = DEMO_STAFF.find((p) => p.role === "clinician")!;

describe("at-risk review in Chromium", () => {
  let app: AppUnderTest;
  let browser: BrowserContext;

  beforeAll(async () => {
    app = await startAppUnderTest();
    browser = await launchBrowser();
    await trackCspViolations(browser);
  });
  afterAll(async () => {
    await closeBrowser(browser);
    await app?.stop();
  });

  const onPage = (page: Page, label: string, check: () => Promise<void>) => checkPage(page, `at-risk-${label}`, check);

  it("a clinician marks the first patient on the 104 list not at risk, and sees the exports page", async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await signInThroughPages(page, `${app.baseUrl}/staff/at-risk`, clinician);
    await page.waitForURL("**/staff/at-risk");
    await page.locator("h1", { hasText: /^At-risk review$/ }).waitFor();
    await onPage(page, "list", async () => expect(await page.title()).toContain("At-risk review"));

    const first = page.locator("section").first();
    const name = (await first.locator("h2").textContent())!;
    await first.getByLabel("Note (optional)").fill("x".repeat(1001));
    await first.getByRole("button", { name: /^Not at risk/ }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    await onPage(page, "error", async () => expect(await page.title()).toMatch(/^Error: /));

    await page.locator("section").first().getByLabel("Note (optional)").fill("Seen in clinic");
    await page.locator("section").first().getByRole("button", { name: /^Not at risk/ }).click();
    await page.locator(".nhsuk-notification-banner--success").waitFor();
    await onPage(page, "saved", async () => expect(await page.locator(".nhsuk-notification-banner--success").textContent()).toContain(name));

    await page.getByLabel("Show").selectOption("not-at-risk");
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await page.waitForURL("**/staff/at-risk?show=not-at-risk");
    await onPage(page, "filtered", async () => expect(await page.locator("section h2").allTextContents()).toEqual([name]));

    await page.goto(`${app.baseUrl}/staff/exports`);
    await page.locator("h1", { hasText: /^At-risk review and exports$/ }).waitFor();
    await onPage(page, "exports", async () => expect(await page.title()).toContain("At-risk review and exports"));
  }, 120_000);
});
