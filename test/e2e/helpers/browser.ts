import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { currentTotpCode } from "../../../app/auth/totp.server";
import { DEMO_PASSWORD } from "../../../app/services/demo-practice.server";

// Debian's chromium, driven by playwright-core (see docs STACK.md: `npx
// playwright install` cannot work here). Playwright refuses --user-data-dir in
// args, so each context gets its own temporary profile, removed on close.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const profileDirs = new WeakMap<BrowserContext, string>();

async function launch(javaScriptEnabled: boolean): Promise<BrowserContext> {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), "portal-e2e-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      javaScriptEnabled,
    });
    profileDirs.set(context, profileDir);
    return context;
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
}

/** A headless Chromium with its own throwaway profile. */
export function launchBrowser(): Promise<BrowserContext> {
  return launch(true);
}

/** As launchBrowser, but with JavaScript off: every journey must work without it. */
export function launchBrowserWithoutJavaScript(): Promise<BrowserContext> {
  return launch(false);
}

/** Closes the browser and removes its profile. */
export async function closeBrowser(context: BrowserContext | undefined): Promise<void> {
  if (!context) return;
  const profileDir = profileDirs.get(context);
  await context.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
}

// WCAG 2.2 AA, as the NHS service standard asks (axe's wcag22aa tag holds only
// the rules new in 2.2, so the earlier levels are listed too).
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** Runs axe-core on the page as it is now and throws on any WCAG A/AA violation. */
export async function expectNoAxeViolations(page: Page, label?: string): Promise<void> {
  let axe = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  // axe cannot run inside a frame that may run no script (an email preview's
  // sandbox) and would wait for it for ever: such frames are checked as
  // elements, their titles included, not entered. What is inside is an
  // email's html, not the portal's page.
  if ((await page.locator("iframe[sandbox]").count()) > 0) axe = axe.setLegacyMode(true).options({ iframes: false });
  const results = await axe.analyze();
  if (results.violations.length === 0) return;
  const lines = results.violations.map((violation) => {
    const targets = violation.nodes
      .slice(0, 3)
      .map((node) => node.target.map(String).join(" > "))
      .join(", ");
    const more = violation.nodes.length > 3 ? ` (and ${violation.nodes.length - 3} more)` : "";
    return `- ${violation.id} [${violation.impact ?? "unknown impact"}]: ${violation.help}\n    at ${targets}${more}\n    ${violation.helpUrl}`;
  });
  throw new Error(
    `axe found ${results.violations.length} accessibility violation(s) on ${label ? `${label} (${page.url()})` : page.url()}:\n${lines.join("\n")}`,
  );
}

/** Saves a full-page screenshot to test-results/<name>.png, for debugging. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.resolve("test-results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Records, on every page of the context, whatever the CSP blocks (inline styles, scripts…). */
export async function trackCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    (window as unknown as { __cspViolations: string[] }).__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { __cspViolations: string[] }).__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`,
      );
    });
  });
}

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

/**
 * Runs the page's own checks, then those every page must pass: nothing
 * blocked by the CSP, no axe violations. On failure, a screenshot named
 * `<name>` is left in test-results/.
 */
export async function checkPage(page: Page, name: string, check: () => Promise<void>): Promise<void> {
  try {
    await check();
    expect(await cspViolations(page), `${name}: blocked by the CSP`).toEqual([]);
    await expectNoAxeViolations(page, name);
  } catch (error) {
    await screenshot(page, name).catch(() => {});
    throw error;
  }
}

/**
 * Opens `url` (a staff page, which sends them to sign in first) and signs a demo member of staff in
 * with their password and current code, as a person would; the portal then takes them back to `url`.
 */
export async function signInThroughPages(page: Page, url: string, person: { email: string; totpSecret: string }): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Email address").fill(person.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Enter the code from your authenticator app").fill(currentTotpCode(person.totpSecret, new Date()));
  await page.getByRole("button", { name: "Sign in" }).click();
}
