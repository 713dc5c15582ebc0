import type { BrowserContext, Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextDay, ukLocalDay } from "../../app/domain/calendar";
import { syntheticPatients } from "../../app/domain/synthetic-patients";
import { DEMO_PASSWORD, DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { StaffClient } from "../helpers/staff-http";
import { checkPage, closeBrowser, launchBrowser, launchBrowserWithoutJavaScript, screenshot, signInThroughPages, trackCspViolations } from "./helpers/browser";

const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
const reception = DEMO_STAFF.find((p) => p.role === "reception")!;
// The demo practice's list, as the server seeded it: who each address belongs to.
const givenNameByEmail = new Map(
  syntheticPatients({ seed: DEMO_PRACTICE.odsCode, count: DEMO_PRACTICE.patients })
    .filter((p) => p.email !== null)
    .map((p) => [p.email!, p.givenName]),
);
const CAMPAIGN_PATH = /\/staff\/campaigns\/[0-9a-f-]{36}$/;
const PREVIEW_CSP = "default-src 'none';style-src 'unsafe-inline';img-src data:;frame-ancestors 'self';sandbox";

/** Email previews sit in frames that may run nothing, each with a title for screen readers. */
async function expectSandboxedFrames(page: Page): Promise<void> {
  for (const frame of await page.locator("iframe").all()) {
    expect(await frame.getAttribute("sandbox")).toBe("");
    expect(await frame.getAttribute("title")).toBeTruthy();
  }
}

describe("campaigns in Chromium", () => {
  let app: AppUnderTest;
  let browser: BrowserContext;
  let browserWithoutJs: BrowserContext | undefined;
  // The campaign the manager sends, for the later tests.
  const sent = { url: "", recipients: 0 };

  beforeAll(async () => {
    // Sending hours all day, so the test does not depend on when it runs.
    app = await startAppUnderTest({ env: { SENDING_HOURS: "00:00-24:00" } });
    browser = await launchBrowser();
    await trackCspViolations(browser);
  });
  afterAll(async () => {
    await closeBrowser(browser);
    await closeBrowser(browserWithoutJs);
    await app?.stop();
  });

  const onPage = (page: Page, label: string, check: () => Promise<void>) => checkPage(page, `campaigns-${label}`, check);
  const onPageWithEmail = (page: Page, label: string, check: () => Promise<void>) =>
    checkPage(page, `campaigns-${label}`, async () => {
      await check();
      await expectSandboxedFrames(page);
    });
  const heading = (page: Page) => page.locator("h1").first();
  const summaryValue = async (page: Page, key: string) =>
    (await page.locator(".nhsuk-summary-list__row", { has: page.locator("dt", { hasText: new RegExp(`^${key}$`) }) }).locator("dd").first().textContent())?.trim();
  const number = (text: string | undefined) => Number((text ?? "").replace(/,/g, ""));

  it("reception staff may neither run campaigns nor read the caught mail", async () => {
    const client = new StaffClient(app.baseUrl);
    await client.signIn(reception.email, DEMO_PASSWORD, reception.totpSecret);
    expect((await client.get("/staff/campaigns")).status).toBe(403);
    expect((await client.get("/staff/campaigns/new?template=opt-out-announcement")).status).toBe(403);
    expect((await client.post("/staff/campaigns/new", { template: "opt-out-announcement" })).status).toBe(403);
    expect((await client.get("/staff/mail")).status).toBe(403);
    const home = await client.get("/staff");
    const html = await home.text();
    expect(html).not.toContain('href="/staff/campaigns"');
    expect(html).not.toContain('href="/staff/mail"');
  });

  it("a manager previews the opt-out announcement, sends it, watches it go, and finds the messages in the caught mail", async () => {
    const page = await browser.newPage();
    try {
      await signInThroughPages(page, `${app.baseUrl}/staff/campaigns`, manager);
      await page.waitForURL("**/staff/campaigns");
      await heading(page).filter({ hasText: "Campaigns" }).waitFor();
      const nav = page.getByRole("navigation", { name: "Staff sections" });
      await onPage(page, "list-empty", async () => {
        expect(await page.title()).toBe("Campaigns");
        expect(await nav.getByRole("link", { name: "Campaigns" }).getAttribute("href")).toBe("/staff/campaigns");
        expect(await nav.getByRole("link", { name: "Mail sent (development)" }).getAttribute("href")).toBe("/staff/mail");
        expect(await page.getByText("There are no campaigns yet.").count()).toBe(1);
      });

      // Continuing without choosing a message says what to do.
      await page.getByRole("button", { name: "Continue" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await onPage(page, "list-error", async () => {
        expect(await page.title()).toBe("Error: Campaigns");
        expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Select which message to send");
      });

      await page.getByRole("radio", { name: "Opt-out model announcement" }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await heading(page).filter({ hasText: "Check who the campaign will go to" }).waitFor();
      expect(new URL(page.url()).search).toBe("?template=opt-out-announcement");
      const recipients = number(await summaryValue(page, "Patients who will get an email"));
      const letters = number(await summaryValue(page, "Patients who need a letter \\(no email address\\)"));
      const previewNames: string[] = [];
      await onPageWithEmail(page, "plan", async () => {
        expect(await page.title()).toBe("Check who the campaign will go to");
        expect(recipients).toBeGreaterThan(100);
        expect(letters).toBeGreaterThan(0);
        const exclusions = page.getByRole("table", { name: "Patients left out, and why" });
        await expect(exclusions.textContent()).resolves.toContain("Active 104: offered the opt-in invitation instead");
        await expect(exclusions.textContent()).resolves.toContain("Under 16");
        expect(await page.locator(".app-email-text").count()).toBe(3);
        for (const h3 of await page.locator("h3").allTextContents()) previewNames.push(h3.replace(/^\d+\. /, ""));
        expect(previewNames).toHaveLength(3);
        // The message as a real patient gets it: their own first name, in the text and in the html.
        const first = previewNames[0]!.split(" ")[0]!;
        expect(await page.locator(".app-email-text").first().textContent()).toContain(`Dear ${first},`);
        const frame = page.frameLocator(`iframe[title="The email to ${previewNames[0]}"]`);
        await expect(frame.locator("body").textContent()).resolves.toContain(`Dear ${first},`);
        expect(await page.locator("iframe").first().getAttribute("sandbox")).toBe("");
      });

      // The frame's html comes with a CSP of its own; the page keeps the strict one.
      const frameSrc = (await page.locator("iframe").first().getAttribute("src"))!;
      expect(frameSrc).toBe("/staff/campaigns/new/preview/1/email.html?template=opt-out-announcement");
      const preview = await page.request.get(`${app.baseUrl}${frameSrc}`);
      expect(preview.status()).toBe(200);
      expect(preview.headers()["content-type"]).toBe("text/html; charset=utf-8");
      expect(preview.headers()["content-security-policy"]).toBe(PREVIEW_CSP);
      expect(preview.headers()["x-frame-options"]).toBe("SAMEORIGIN");
      const planPage = await page.request.get(page.url());
      expect(planPage.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(planPage.headers()["content-security-policy"]).toMatch(/(^|;)style-src 'self'(;|$)/);

      await page.getByRole("button", { name: "Create campaign" }).click();
      await page.waitForURL(CAMPAIGN_PATH);
      const campaignUrl = page.url();
      sent.url = campaignUrl;
      sent.recipients = recipients;
      await heading(page).filter({ hasText: "Send the campaign" }).waitFor();
      await onPageWithEmail(page, "draft", async () => {
        expect(await page.title()).toBe("Send the campaign");
        expect(number(await summaryValue(page, "Email recipients"))).toBe(recipients);
        expect(number(await summaryValue(page, "Letters needed"))).toBe(letters);
        expect(await page.locator("h3").allTextContents()).toEqual(previewNames.map((name, i) => `${i + 1}. ${name}`));
        expect(await page.locator("iframe").first().getAttribute("src")).toBe(`${new URL(campaignUrl).pathname}/preview/1/email.html`);
        // Sending hours are all day here, so there is nothing to override.
        expect(await page.getByLabel("Send outside sending hours").count()).toBe(0);
        // The opt-out announcement needs no second confirmation.
        expect(await page.getByRole("checkbox").count()).toBe(0);
      });

      await page.getByRole("button", { name: "Send campaign" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await onPageWithEmail(page, "draft-error", async () => {
        expect(await page.title()).toBe("Error: Send the campaign");
        expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Select when to send the campaign");
      });

      await page.getByRole("radio", { name: "Send now" }).check();
      await page.getByRole("button", { name: "Send campaign" }).click();
      await page.locator("#campaign-progress-text").waitFor();
      await onPage(page, "sending", async () => {
        expect(page.url()).toBe(campaignUrl);
        expect(await page.locator("progress").getAttribute("max")).toBe(String(recipients));
        expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      });

      // The page follows the worker by itself until every email is out.
      const allSent = `${recipients.toLocaleString("en-GB")} of ${recipients.toLocaleString("en-GB")} sent`;
      await page.locator("#campaign-progress-text", { hasText: allSent }).waitFor({ timeout: 120_000 });
      await heading(page).filter({ hasText: "Campaign sent" }).waitFor({ timeout: 30_000 });
      await onPage(page, "finished", async () => {
        expect(await page.title()).toBe("Campaign sent");
        expect(await page.locator("progress").getAttribute("value")).toBe(String(recipients));
        expect(await page.getByText("Every email was sent.").count()).toBe(1);
        const needLetters = page.getByRole("table", { name: new RegExp(`need a letter$`) });
        expect(await needLetters.locator("tbody tr").count()).toBe(Math.min(letters, 500));
        await expect(needLetters.locator("tbody tr").first().locator("td").nth(1).textContent()).resolves.toMatch(/^\d{3} \d{3} \d{4}$/);
      });

      await page.goto(`${app.baseUrl}/staff/campaigns`);
      await onPage(page, "list", async () => {
        const row = page.getByRole("table", { name: "Your practice's campaigns, newest first" }).locator("tbody tr");
        expect(await row.count()).toBe(1);
        expect(await row.locator("td").allTextContents()).toEqual([
          expect.stringContaining("Opt-out model announcement"),
          "Sent",
          expect.any(String),
          recipients.toLocaleString("en-GB"),
          "0",
          letters.toLocaleString("en-GB"),
        ]);
      });

      await nav.getByRole("link", { name: "Mail sent (development)" }).click();
      await heading(page).filter({ hasText: "Mail sent (development)" }).waitFor();
      await onPage(page, "mail", async () => {
        expect(await page.title()).toBe("Mail sent (development)");
        expect(await page.locator("#mail-total").textContent()).toBe(
          `The mail catcher holds ${recipients.toLocaleString("en-GB")} emails from your practice.`,
        );
        const rows = page.getByRole("table").locator("tbody tr");
        expect(await rows.count()).toBe(Math.min(recipients, 100));
        expect(await rows.first().locator("td").nth(3).textContent()).toBe("Opt-out model announcement");
      });

      await page.getByRole("table").locator("tbody tr").first().getByRole("link").click();
      await heading(page).filter({ hasText: "Seeing your GP record online" }).waitFor();
      await onPageWithEmail(page, "mail-message", async () => {
        expect(await page.title()).toBe("Caught email");
        const to = (await summaryValue(page, "To"))!;
        const givenName = givenNameByEmail.get(to);
        expect(givenName, `a demo patient has the address ${to}`).toBeDefined();
        expect(await page.locator(".app-email-text").textContent()).toContain(`Dear ${givenName},`);
        expect(await summaryValue(page, "Message-ID")).toMatch(/^<[0-9a-f-]{36}@/);
        const frame = page.frameLocator("iframe.app-email-preview");
        await expect(frame.locator("body").textContent()).resolves.toContain(`Dear ${givenName},`);
      });
      const mailFrame = await page.request.get(`${app.baseUrl}${await page.locator("iframe").getAttribute("src")}`);
      expect(mailFrame.headers()["content-security-policy"]).toBe(PREVIEW_CSP);
    } catch (error) {
      await screenshot(page, "campaigns-journey").catch(() => {});
      throw error;
    }
  }, 240_000);

  it("an email whose fate is unknown can be sent again, and the campaign finishes again", async () => {
    expect(sent.url).not.toBe("");
    // As the outbox leaves a message whose worker died before the mail server answered.
    const sql = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const campaignId = new URL(sent.url).pathname.split("/").pop()!;
      const marked = await sql`
        update messages set status = 'unknown',
          failure_reason = 'The worker sending this message stopped before it knew whether the mail server accepted it.'
        where id = (select id from messages where campaign_id = ${campaignId} and channel = 'email' and status = 'sent' limit 1)`;
      expect(marked.count).toBe(1);
    } finally {
      await sql.end();
    }
    const n = (value: number) => value.toLocaleString("en-GB");
    const page = await browser.newPage();
    try {
      await page.goto(sent.url);
      await onPage(page, "unknown", async () => {
        expect(await page.title()).toBe("Campaign sent");
        expect(await page.locator("#campaign-progress-text").textContent()).toBe(`${n(sent.recipients - 1)} of ${n(sent.recipients)} sent`);
        const unknown = page.getByRole("table", { name: "1 email not known to have been sent" });
        expect(await unknown.locator("tbody tr").count()).toBe(1);
        await expect(unknown.locator("tbody tr td").nth(1).textContent()).resolves.toMatch(/^\d{3} \d{3} \d{4}$/);
      });

      await page.getByRole("button", { name: /^Send again to / }).click();
      await page.locator("#campaign-progress-text", { hasText: `${n(sent.recipients)} of ${n(sent.recipients)} sent` }).waitFor({ timeout: 60_000 });
      await heading(page).filter({ hasText: "Campaign sent" }).waitFor({ timeout: 30_000 });
      await onPage(page, "resent", async () => {
        expect(await page.getByText("Every email was sent.").count()).toBe(1);
        expect(await page.getByRole("button", { name: /^Send again/ }).count()).toBe(0);
      });
      // The mail server had in fact taken the first copy: the patient has two, as the page warned.
      await page.goto(`${app.baseUrl}/staff/mail`);
      expect(await page.locator("#mail-total").textContent()).toBe(`The mail catcher holds ${n(sent.recipients + 1)} emails from your practice.`);
    } catch (error) {
      await screenshot(page, "campaigns-resend").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("with JavaScript off, the opt-in invitation needs its confirmation, can be scheduled, and can be cancelled", async () => {
    browserWithoutJs = await launchBrowserWithoutJavaScript();
    await trackCspViolations(browserWithoutJs);
    // The same signed-in session: a code from the app works once only.
    await browserWithoutJs.addCookies(await browser.cookies());
    const page = await browserWithoutJs.newPage();
    try {
      await page.goto(`${app.baseUrl}/staff/campaigns`);
      await page.getByRole("radio", { name: "Invitation to ask for online access" }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await heading(page).filter({ hasText: "Check who the campaign will go to" }).waitFor();
      expect(await page.evaluate(() => (window as { __remixRouter?: unknown }).__remixRouter)).toBeUndefined();
      const recipients = number(await summaryValue(page, "Patients who will get an email"));
      const exclusions = await page.getByRole("table", { name: "Patients left out, and why" }).textContent();
      expect(exclusions).toContain("No active 104: the invitation is only for patients with one");

      await page.getByRole("button", { name: "Create campaign" }).click();
      await page.waitForURL(CAMPAIGN_PATH);
      const campaignUrl = page.url();
      const confirmation = page.getByLabel(
        "I confirm this invitation should go to patients with an active 104 code, and only to contact details marked private to them",
      );
      expect(await confirmation.count()).toBe(1);

      // Scheduling without the confirmation, or without a time, is refused.
      const tomorrow = nextDay(ukLocalDay(new Date()));
      const [year, month, day] = tomorrow.split("-");
      await page.getByRole("radio", { name: "Schedule" }).check();
      await page.getByLabel("Day").fill(String(Number(day)));
      await page.getByLabel("Month").fill(String(Number(month)));
      await page.getByLabel("Year").fill(year!);
      await page.getByRole("button", { name: "Send campaign" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      expect(await page.title()).toBe("Error: Send the campaign");
      const summary = page.locator(".nhsuk-error-summary");
      expect(await summary.getByRole("link").allTextContents()).toEqual([
        "Enter the time to send it",
        "Confirm that this invitation should go to these patients",
      ]);
      expect(await summary.getByRole("link").nth(1).getAttribute("href")).toBe("#confirmOptIn");
      // What was typed is kept.
      expect(await page.getByLabel("Year").inputValue()).toBe(year);
      expect(await page.getByRole("radio", { name: "Schedule" }).isChecked()).toBe(true);

      await page.getByLabel("Time (UK time)").fill("09:30");
      await confirmation.check();
      await page.getByRole("button", { name: "Send campaign" }).click();
      await heading(page).filter({ hasText: "Campaign scheduled" }).waitFor();
      expect(page.url()).toBe(campaignUrl);
      // Without JavaScript the page reloads itself every 2 seconds, until asked not to.
      expect(await page.locator('meta[http-equiv="refresh"]').getAttribute("content")).toBe("2");
      await page.getByRole("link", { name: "Stop updating this page automatically" }).click();
      await page.waitForURL(`${campaignUrl}?refresh=off`);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      expect(await page.locator("#campaign-progress-text").textContent()).toBe(`0 of ${recipients.toLocaleString("en-GB")} sent`);
      expect(await summaryValue(page, "Sends at")).toMatch(/, 09:30$/);

      // axe needs JavaScript: the same page, with it, passes the checks every page must.
      const live = await browser.newPage();
      await live.goto(campaignUrl);
      await onPage(live, "opt-in-scheduled", async () => {
        expect(await live.title()).toBe("Campaign scheduled");
        expect(await live.locator('meta[http-equiv="refresh"]').count()).toBe(0);
        expect(await live.getByRole("button", { name: "Cancel this campaign" }).count()).toBe(1);
      });

      await page.getByRole("button", { name: "Cancel this campaign" }).click();
      await heading(page).filter({ hasText: "Campaign cancelled" }).waitFor();
      expect(await page.getByText("This campaign was cancelled. Nothing was sent.").count()).toBe(1);
      expect(await page.getByRole("button", { name: "Send campaign" }).count()).toBe(0);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      // The open page with JavaScript stops polling and shows the campaign cancelled.
      await live.locator("h1", { hasText: "Campaign cancelled" }).waitFor();
      await onPage(live, "opt-in-cancelled", async () => {
        expect(await live.getByRole("button", { name: "Cancel this campaign" }).count()).toBe(0);
        expect(await live.locator("progress").count()).toBe(0);
      });
      await live.close();
    } catch (error) {
      await screenshot(page, "campaigns-without-javascript").catch(() => {});
      throw error;
    }
  }, 120_000);
});
