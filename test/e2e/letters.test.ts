import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS_WINDOW, MM } from "../../app/domain/letters";
import { formatNhsNumber } from "../../app/domain/nhs-number";
import { syntheticPatients } from "../../app/domain/synthetic-patients";
import { DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { readPdf } from "../helpers/pdf-text";
import { checkPage, closeBrowser, launchBrowser, screenshot, signInThroughPages, trackCspViolations } from "./helpers/browser";

// Issue 8 in Chromium: reception produces a registration letter and a batch
// from a file, downloads each PDF, and marks the batch printed. The first page
// is rendered (pdftoppm, Debian's poppler-utils) and everything printed in the
// envelope's part of the sheet must fall inside the window.

const run = promisify(execFile);
const reception = DEMO_STAFF.find((p) => p.role === "reception")!;
const demoList = syntheticPatients({ seed: DEMO_PRACTICE.odsCode, count: DEMO_PRACTICE.patients });
const [first, second, third] = demoList.filter((p) => !p.deceased && p.addressLine1 && p.postcode);

/** The dark pixels' bounding box, in millimetres, of a page rendered in grey at 72 dpi (one pixel a point). */
async function inkBox(pdf: string, region: { left: number; top: number; right: number; bottom: number }) {
  const out = path.join(path.dirname(pdf), "page");
  await run("pdftoppm", ["-r", "72", "-gray", "-f", "1", "-l", "1", "-singlefile", pdf, out]);
  const pgm = await readFile(`${out}.pgm`);
  // P5 header: magic, width, height, maxval, each followed by whitespace.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString("latin1"))!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  const box = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  const [x0, x1, y0, y1] = [region.left, region.right, region.top, region.bottom].map((mm) => Math.round(mm * MM));
  for (let y = y0!; y < Math.min(y1!, height); y++) {
    for (let x = x0!; x < Math.min(x1!, width); x++) {
      if (pixels[y * width + x]! < 128) {
        box.left = Math.min(box.left, x / MM);
        box.right = Math.max(box.right, (x + 1) / MM);
        box.top = Math.min(box.top, y / MM);
        box.bottom = Math.max(box.bottom, (y + 1) / MM);
      }
    }
  }
  return box;
}

describe("letters in Chromium", () => {
  let app: AppUnderTest;
  let browser: BrowserContext;
  let page: Page;
  let dir = "";

  beforeAll(async () => {
    app = await startAppUnderTest();
    browser = await launchBrowser();
    await trackCspViolations(browser);
    dir = await mkdtemp(path.join(tmpdir(), "letters-e2e-"));
    page = await browser.newPage();
    await signInThroughPages(page, `${app.baseUrl}/staff/letters`, reception);
    await page.locator("h1", { hasText: /^Letters$/ }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await closeBrowser(browser);
    await app?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("produces one registration letter, with the address inside the envelope window, and keeps no key on the page", async () => {
    try {
      await checkPage(page, "letters-home", async () => {
        expect(await page.getByRole("link", { name: "Letters", exact: true }).count()).toBe(1);
      });
      await page.getByRole("link", { name: "NHS App registration letters" }).click();
      await page.locator("h1", { hasText: "NHS App registration letters" }).waitFor();
      await checkPage(page, "letters-registration", async () => {
        expect(await page.getByLabel("Linkage Key").count()).toBe(1);
      });

      // A wrong NHS number: the error names it, and the keys typed are not sent back.
      await page.getByLabel("NHS number").fill("123 456 7890");
      await page.getByLabel("Account ID").fill("9876543210");
      await page.getByLabel("Linkage Key").fill("SECRET-KEY-1");
      await page.getByRole("button", { name: "Produce the letter", exact: true }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await checkPage(page, "letters-registration-error", async () => {
        expect(await page.title()).toBe("Error: NHS App registration letters");
        expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Enter a valid 10-digit NHS number");
        expect(await page.getByLabel("Account ID").inputValue()).toBe("");
        expect(await page.content()).not.toContain("SECRET-KEY-1");
      });

      await page.getByLabel("NHS number").fill(formatNhsNumber(first!.nhsNumber));
      await page.getByLabel("Account ID").fill("9876543210");
      await page.getByLabel("Linkage Key").fill("SECRET-KEY-1");
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Produce the letter", exact: true }).click()]);
      const pdf = path.join(dir, "one.pdf");
      await download.saveAs(pdf);
      expect(download.suggestedFilename()).toMatch(/^registration-letters-[A-Z0-9]+-\d{4}-\d{2}-\d{2}\.pdf$/);

      const [letter] = await readPdf(new Uint8Array(await readFile(pdf)));
      const text = letter!.text.replace(/\s+/g, " ");
      expect(text).toContain(`Dear ${first!.givenName} ${first!.familyName},`);
      expect(text).toContain("Account ID 9876543210");
      expect(text).toContain("Linkage Key SECRET-KEY-1");
      expect(text).toContain(first!.postcode);

      // Everything printed in the envelope's part of the sheet (left of the header, above the
      // body) is the address, and it all falls inside the window.
      const window = { left: ADDRESS_WINDOW.left / MM, top: ADDRESS_WINDOW.top / MM, right: (ADDRESS_WINDOW.left + ADDRESS_WINDOW.width) / MM, bottom: (ADDRESS_WINDOW.top + ADDRESS_WINDOW.height) / MM };
      const ink = await inkBox(pdf, { left: 0, top: 30, right: 115, bottom: 88 });
      expect(ink.right, "something is printed where the window is").toBeGreaterThan(ink.left);
      expect(ink.left).toBeGreaterThanOrEqual(window.left);
      expect(ink.top).toBeGreaterThanOrEqual(window.top);
      expect(ink.right).toBeLessThanOrEqual(window.right);
      expect(ink.bottom).toBeLessThanOrEqual(window.bottom);
    } catch (error) {
      await screenshot(page, "letters-registration-journey").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("produces a batch from a file, then marks it printed", async () => {
    try {
      const csv = path.join(dir, "batch.csv");
      await writeFile(csv, ["NHS Number,Account ID,Linkage Key", ...[second!, third!].map((p, i) => `${p.nhsNumber},55500${i},BATCH-KEY-${i}`)].join("\r\n"));
      await page.goto(`${app.baseUrl}/staff/letters/registration`);
      await page.getByLabel("CSV file").setInputFiles(csv);
      await page.getByLabel("Large print (16 point) for every letter").check();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Produce the letters" }).click()]);
      const pdf = path.join(dir, "batch.pdf");
      await download.saveAs(pdf);
      const pages = await readPdf(new Uint8Array(await readFile(pdf)));
      const all = pages.map((p) => p.text).join(" ").replace(/\s+/g, " ");
      expect(all).toContain("Linkage Key BATCH-KEY-0");
      expect(all).toContain("Linkage Key BATCH-KEY-1");
      expect(pages[0]!.items.find((i) => i.text.startsWith("Here are the details"))!.size).toBeGreaterThanOrEqual(16);

      await page.goto(`${app.baseUrl}/staff/letters`);
      const batches = page.getByRole("table", { name: "Batches produced" });
      await batches.waitFor();
      await checkPage(page, "letters-batches", async () => {
        expect(await batches.locator("tbody tr").count()).toBe(2);
        expect(await batches.locator("tbody tr").first().textContent()).toContain(reception.name);
      });
      await batches.locator("tbody tr").first().getByRole("button", { name: /^Mark printed/ }).click();
      await page.locator(".nhsuk-notification-banner--success").waitFor();
      await checkPage(page, "letters-marked-printed", async () => {
        expect(await page.locator(".nhsuk-notification-banner--success").textContent()).toContain("Batch marked printed.");
        expect(await page.getByRole("button", { name: /^Mark printed/ }).count()).toBe(1);
      });
    } catch (error) {
      await screenshot(page, "letters-batch-journey").catch(() => {});
      throw error;
    }
  }, 120_000);

  it("produces one patient's message by post, and refuses the invitation to a patient it is not for", async () => {
    try {
      await page.goto(`${app.baseUrl}/staff/letters/message`);
      await page.locator("h1", { hasText: "A message by post for one patient" }).waitFor();
      await checkPage(page, "letters-message", async () => {
        expect(await page.getByRole("radio").count()).toBe(2);
      });
      await page.getByLabel("NHS number").fill(first!.nhsNumber);
      await page.getByRole("radio", { name: "Invitation to ask for online access" }).check();
      await page.getByRole("button", { name: "Produce the letter" }).click();
      await page.locator(".nhsuk-error-summary").waitFor();
      await checkPage(page, "letters-message-refused", async () => {
        expect(await page.locator(".nhsuk-error-summary").textContent()).toContain(`This message cannot go to ${first!.givenName} ${first!.familyName}`);
      });
      const accepted = demoList.find((p) => !p.deceased && p.addressLine1 && p.codes.length === 0 && p.dateOfBirth < "2000-01-01")!;
      await page.getByLabel("NHS number").fill(accepted.nhsNumber);
      await page.getByRole("radio", { name: "Opt-out model announcement" }).check();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Produce the letter" }).click()]);
      const pdf = path.join(dir, "message.pdf");
      await download.saveAs(pdf);
      const text = (await readPdf(new Uint8Array(await readFile(pdf)))).map((p) => p.text).join(" ").replace(/\s+/g, " ");
      expect(text).toContain(`Dear ${accepted.givenName},`);
      expect(text).toMatch(/\/r\/[A-Za-z0-9_-]{43}/);
    } catch (error) {
      await screenshot(page, "letters-message-journey").catch(() => {});
      throw error;
    }
  }, 120_000);
});
