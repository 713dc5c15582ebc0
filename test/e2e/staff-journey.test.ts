import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentTotpCode } from "../../app/auth/totp.server";
import { syntheticPatients } from "../../app/domain/synthetic-patients";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import {
  closeBrowser,
  launchBrowser,
  launchBrowserWithoutJavaScript,
  trackCspViolations,
  checkPage,
} from "./helpers/browser";

const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
const clinician = DEMO_STAFF.find((p) => p.role === "clinician")!;
const NEW_PASSWORD = "marble harbour kettle winter";

describe("staff journey in Chromium", () => {
  let app: AppUnderTest;
  let managerBrowser: BrowserContext;
  let receptionBrowser: BrowserContext;
  let setupLink = "";

  beforeAll(async () => {
    app = await startAppUnderTest();
    managerBrowser = await launchBrowser();
    receptionBrowser = await launchBrowser();
    await trackCspViolations(managerBrowser);
    await trackCspViolations(receptionBrowser);
  });
  afterAll(async () => {
    await closeBrowser(managerBrowser);
    await closeBrowser(receptionBrowser);
    await app?.stop();
  });

  const onPage = (page: Page, label: string, check: () => Promise<void>) => checkPage(page, `staff-journey-${label}`, check);

  it("a manager signs in with a password and a code from their app, and invites a receptionist", async () => {
    const page = await managerBrowser.newPage();
    await page.goto(`${app.baseUrl}/staff/team`);
    await onPage(page, "sign-in", async () => {
      expect(new URL(page.url()).pathname).toBe("/staff/sign-in");
      expect(await page.title()).toBe("Sign in");
    });

    await page.getByLabel("Email address").fill(manager.email);
    await page.getByLabel("Password").fill("a wrong password entirely");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    await onPage(page, "sign-in-error", async () => {
      expect(await page.title()).toBe("Error: Sign in");
      await expect(page.getByRole("alert").first().textContent()).resolves.toContain("Enter a correct email address and password");
    });

    await page.getByLabel("Email address").fill(manager.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL("**/staff/security-code**");
    await page.getByLabel("Enter the code from your authenticator app").waitFor();
    await onPage(page, "security-code", async () => undefined);
    await page.getByLabel("Enter the code from your authenticator app").fill(currentTotpCode(manager.totpSecret, new Date()));
    await page.getByRole("button", { name: "Sign in" }).click();
    // Back where they were going before signing in.
    await page.waitForURL("**/staff/team");
    await page.locator("h1", { hasText: /^Team$/ }).waitFor({ timeout: 10_000 });
    await onPage(page, "team", async () => expect(await page.title()).toBe("Team"));

    await page.getByLabel("Full name").fill("Rita Reception");
    await page.getByRole("textbox", { name: "Email address" }).fill("rita.reception@example.nhs.uk");
    await page.getByRole("radio", { name: "Reception", exact: true }).check();
    await page.getByRole("button", { name: "Invite" }).click();
    await page.getByTestId("team-message").waitFor();
    await onPage(page, "invited", async () => {
      await expect(page.getByTestId("team-message").textContent()).resolves.toBe(
        "We have emailed an invitation to rita.reception@example.nhs.uk. It is valid for 7 days.",
      );
      // The link goes to the person, never onto the manager's page.
      expect(await page.content()).not.toMatch(/\/staff\/set-up\//);
      await expect(page.getByRole("row", { name: /Rita Reception/ }).textContent()).resolves.toContain("Invited");
    });

    // With no SMTP_URL, the portal keeps its mail on the development mail page, as a trial manager would find it.
    await page.getByRole("link", { name: "Mail sent (development)" }).click();
    await page.waitForURL("**/staff/mail");
    await page.getByRole("link", { name: /^You have been invited to Riverside Medical Practice's online access portal/ }).click();
    await page.locator("pre.app-email-text").waitFor();
    await onPage(page, "invitation-email", async () => {
      const text = (await page.locator("pre.app-email-text").textContent()) ?? "";
      expect(text).toContain("Riverside Medical Practice has invited you to work in its GP online access portal as reception staff.");
      setupLink = /https?:\/\/\S+\/staff\/set-up\/[\w-]{40,}/.exec(text)?.[0] ?? "";
      expect(setupLink).not.toBe("");
    });
  });

  it("the receptionist sets a password, enrols TOTP, sees recovery codes once, and reaches staff home", async () => {
    const page = await receptionBrowser.newPage();
    await page.goto(setupLink);
    await onPage(page, "set-up", async () => expect(await page.title()).toBe("Choose your password"));
    await page.getByLabel("Password", { exact: true }).fill("password");
    await page.getByLabel("Type your password again").fill("password");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    await onPage(page, "set-up-error", async () => expect(await page.title()).toBe("Error: Choose your password"));

    await page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Type your password again").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL("**/staff/enrol");
    await page.getByTestId("totp-secret").waitFor();
    let secret = "";
    await onPage(page, "enrol", async () => {
      secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    });
    await page.getByLabel("Code from your app").fill(currentTotpCode(secret, new Date()));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByTestId("recovery-codes").waitFor();
    await onPage(page, "recovery-codes", async () => {
      expect(await page.getByTestId("recovery-codes").locator("li").count()).toBe(10);
    });
    await page.getByRole("button", { name: "I have saved my recovery codes" }).click();
    await page.waitForURL(/\/staff$/);
    await page.locator("h1", { hasText: "Staff home" }).waitFor();
    await onPage(page, "staff-home", async () => {
      expect(await page.locator("h1").textContent()).toBe("Staff home");
      await expect(page.getByRole("table", { name: /^Eligible patients on/ }).textContent()).resolves.toContain("Total eligible");
      // Reception has no manager links.
      expect(await page.getByRole("link", { name: "Team" }).count()).toBe(0);
    });
  });

  it("the receptionist is refused the manager's page, and signing out ends the session", async () => {
    const page = await receptionBrowser.newPage();
    const response = await page.goto(`${app.baseUrl}/staff/team`);
    expect(response?.status()).toBe(403);
    await onPage(page, "forbidden", async () => {
      expect(await page.locator("h1").textContent()).toBe("You do not have permission to see this page");
    });

    await page.goto(`${app.baseUrl}/staff`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/staff/sign-in?signed-out");
    await page.getByText("You have signed out.").waitFor();
    await onPage(page, "signed-out", async () => {
      await expect(page.locator("main").textContent()).resolves.toContain("You have signed out.");
    });
    await page.goto(`${app.baseUrl}/staff`);
    expect(new URL(page.url()).pathname).toBe("/staff/sign-in");
  });

  it("the manager sees the receptionist active on the team page and the refusal in the audit trail", async () => {
    const page = await managerBrowser.newPage();
    const [patient] = syntheticPatients({ seed: "Y90001", count: 1 });
    await page.goto(`${app.baseUrl}/staff/patients`);
    await page.getByLabel("NHS number").fill(patient!.nhsNumber);
    await page.getByRole("button", { name: "Find" }).click();
    await page.locator("h1", { hasText: patient!.familyName }).waitFor();
    await onPage(page, "patient", async () => {
      await expect(page.locator("dl").textContent()).resolves.toContain(patient!.nhsNumber.slice(0, 3) + " ");
    });
    await page.goto(`${app.baseUrl}/staff/team`);
    const row = page.getByRole("row", { name: /Rita Reception/ });
    await expect(row.textContent()).resolves.toContain("Active");
    await page.goto(`${app.baseUrl}/staff/audit?action=access.denied`);
    await onPage(page, "audit", async () => {
      const table = (await page.getByRole("table").textContent()) ?? "";
      expect(table).toContain("Rita Reception");
      expect(table).toContain("/staff/team");
    });
    await page.goto(`${app.baseUrl}/staff/audit?patient=${patient!.nhsNumber}`);
    await expect(page.getByRole("table").textContent()).resolves.toContain("looked at the record of patient");
  });

  it("a clinician signs in and out with JavaScript switched off", async () => {
    const browser = await launchBrowserWithoutJavaScript();
    try {
      const page = await browser.newPage();
      await page.goto(`${app.baseUrl}/staff`);
      await page.getByLabel("Email address").fill(clinician.email);
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Continue" }).click();
      expect(await page.title()).toBe("Error: Sign in");
      await page.getByLabel("Email address").fill(clinician.email);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Continue" }).click();
      expect(new URL(page.url()).pathname).toBe("/staff/security-code");
      await page.getByLabel("Enter the code from your authenticator app").fill(currentTotpCode(clinician.totpSecret, new Date()));
      await page.getByRole("button", { name: "Sign in" }).click();
      expect(await page.locator("h1").textContent()).toBe("Staff home");
      await page.getByRole("button", { name: "Sign out" }).click();
      await expect(page.locator("main").textContent()).resolves.toContain("You have signed out.");
    } finally {
      await closeBrowser(browser);
    }
  });
});
