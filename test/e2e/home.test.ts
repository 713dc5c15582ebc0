import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import {
  closeBrowser,
  expectNoAxeViolations,
  launchBrowser,
  launchBrowserWithoutJavaScript,
  screenshot,
} from "./helpers/browser";

// NHS.UK's Frutiger webfont: there is no outside network here, so these loads
// fail and the page falls back to Arial. Nothing else may fail.
const FONT_HOST = "https://assets.nhs.uk/";

declare global {
  interface Window {
    __cspViolations?: string[];
    __remixRouter?: unknown;
  }
}

/** Records what a visitor's browser would complain about while on the page. */
function watchForProblems(page: Page) {
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (message.location().url.startsWith(FONT_HOST)) return;
    consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("requestfailed", (request) => {
    if (request.url().startsWith(FONT_HOST)) return;
    failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? "failed"}`);
  });
  return { consoleErrors, pageErrors, failedRequests };
}

describe("the patient home page in a browser", () => {
  let app: AppUnderTest;
  let browser: BrowserContext;
  let browserWithoutJavaScript: BrowserContext;

  beforeAll(async () => {
    app = await startAppUnderTest();
    browser = await launchBrowser();
    browserWithoutJavaScript = await launchBrowserWithoutJavaScript();
  }, 120_000);

  afterAll(async () => {
    await closeBrowser(browser);
    await closeBrowser(browserWithoutJavaScript);
    await app?.stop();
  });

  it("names the demo practice, passes axe, and runs its scripts under the CSP", async () => {
    const page = await browser.newPage();
    // Counts what the CSP blocks, from before the page's own scripts run.
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (event) => {
        window.__cspViolations!.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
      });
    });
    const problems = watchForProblems(page);
    try {
      const response = await page.goto(`${app.baseUrl}/`, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      await expect(page.locator("h1").textContent()).resolves.toContain("Riverside Medical Practice");

      // Remix sets this once the client bundle has loaded and hydrated the
      // page, which a CSP that blocked its module scripts would prevent.
      const hydrated = await page
        .waitForFunction(() => window.__remixRouter !== undefined, undefined, { timeout: 10_000 })
        .then(() => true, () => false);

      // What the CSP blocked, then anything else the browser complained of,
      // before the bare fact of hydration, so a failure says why.
      const cspViolations = await page.evaluate(() => window.__cspViolations ?? []);
      expect(cspViolations).toEqual([]);
      const complaints = [...problems.consoleErrors, ...problems.pageErrors];
      expect(complaints.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
      expect(complaints).toEqual([]);
      expect(problems.failedRequests).toEqual([]);
      expect(hydrated, "the client bundle did not hydrate the page").toBe(true);

      await expectNoAxeViolations(page, "the patient home page");
    } catch (error) {
      await screenshot(page, "home-with-javascript").catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it("shows the same page with JavaScript turned off", async () => {
    const page = await browserWithoutJavaScript.newPage();
    try {
      const response = await page.goto(`${app.baseUrl}/`, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      await expect(page.locator("h1").textContent()).resolves.toContain("Riverside Medical Practice");
      await expect(page.getByRole("heading", { name: "Your choices" }).count()).resolves.toBe(1);
      // Served whole by the server: the client bundle never ran.
      await expect(page.evaluate(() => window.__remixRouter)).resolves.toBeUndefined();
    } catch (error) {
      await screenshot(page, "home-without-javascript").catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
