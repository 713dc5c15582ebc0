import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nhsCheckDigit } from "../../app/domain/nhs-number";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { importPatientList } from "../../app/services/patient-import.server";
import { addPractice } from "../../app/services/practices.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { StaffClient } from "../helpers/staff-http";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

// Issue 17, finding 4: a 200 MB file of bad rows took an import preview to 4.5 GB, because every
// problem (and every rejected row's NHS number) was held, and a row of nothing but commas was
// never "too long". Now the first 1,000 problems are kept with their rows and the rest counted,
// exactly, by problem. The memory itself is measured by `npm run bench -- import`.

const HEADER = "nhs_number,given_name,family_name,date_of_birth,email";
const KEPT = 1_000;
const DUPLICATED = "9434765919";
const problems = {
  notTenDigits: "The NHS number is not 10 digits.",
  badDate: "The date of birth is not a valid date.",
  duplicate: "The NHS number is on more than one row, so none of these rows was imported.",
  badEmail: "The email address is not valid and was left out.",
};

/** Distinct valid NHS numbers from the 999 test range. */
function nhsNumbers(count: number, from = 0): string[] {
  const numbers: string[] = [];
  for (let body = from; numbers.length < count; body += 1) {
    const firstNine = `999${String(body).padStart(6, "0")}`;
    const check = nhsCheckDigit(firstNine);
    if (check !== null) numbers.push(`${firstNine}${check}`);
  }
  return numbers;
}

type Kind = "badDate" | "notTenDigits" | "duplicate";

/**
 * A file of bad rows, row `index + 2` (the header is row 1) of the kind `kinds[index]`: a
 * date of birth that is no date (the row's NHS number, from `known`, is good), an NHS number that
 * is not one, or one NHS number shared by all such rows (with an email address that is not one).
 * Each bad value names its row, so a message can be traced to its row.
 */
function badRows(kinds: readonly Kind[], known: readonly string[]) {
  const lines = [HEADER];
  let nextKnown = 0;
  for (const [index, kind] of kinds.entries()) {
    const row = index + 2;
    if (kind === "badDate") lines.push(`${known[nextKnown++]},Ann,Lee,no-date-${row},`);
    else if (kind === "notTenDigits") lines.push(`R${row},Ann,Lee,1970-01-01,`);
    else lines.push(`${DUPLICATED},Ann,Lee,1970-01-01,bad-email-${row}`);
  }
  const rowsOf = (kind: Kind) => kinds.flatMap((k, index) => (k === kind ? [index + 2] : []));
  return { csv: `${lines.join("\r\n")}\r\n`, rowsOf };
}

/** The message a rejected row of a kind is expected to carry. */
function expectedMessage(kind: Kind, row: number, duplicateRows: readonly number[]): string {
  if (kind === "badDate") return `The date of birth "no-date-${row}" is not a valid date.`;
  if (kind === "notTenDigits") return `The NHS number "R${row}" is not 10 digits.`;
  const others = duplicateRows.filter((other) => other !== row);
  return `The NHS number is also on rows ${others.slice(0, 3).join(", ")} and ${others.length - 3} more, so none of these rows was imported.`;
}

describe("an import of a file of bad rows (service)", () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), "portal-import-problems-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it("keeps the first 1,000 problems with their rows, counts every one exactly, and deregisters nobody whose row was rejected", async () => {
    const added = await addPractice({ odsCode: "P17401", name: "Bad rows", clinicalSystem: "emis" });
    if (!added.ok) throw new Error(added.error);
    // 12,000 patients on the list, each then in the bad file with a date of birth that is no
    // date: more than one batch of rejected rows' NHS numbers to keep them registered.
    const known = nhsNumbers(12_000);
    const listFile = path.join(dir, "list.csv");
    writeFileSync(listFile, `${HEADER}\r\n${known.map((nhs) => `${nhs},Ann,Lee,1970-01-01,`).join("\r\n")}\r\n`);
    const run = (filePath: string, dryRun: boolean) =>
      importPatientList({ odsCode: "P17401", filePath, format: "canonical", dryRun, actor: { id: null, role: "cli" }, now: new Date("2026-02-28T12:00:00Z") });
    expect(await run(listFile, false)).toMatchObject({ ok: true, outcome: { inserted: 12_000 } });

    const kinds = Array.from({ length: 20_000 }, (_, index): Kind => (index % 5 < 3 ? "badDate" : index % 5 === 3 ? "notTenDigits" : "duplicate"));
    const kindOf = (row: number) => kinds[row - 2]!;
    const file = badRows(kinds, known);
    const badFile = path.join(dir, "bad.csv");
    writeFileSync(badFile, file.csv);
    // Imported, not previewed, so that what it records can be read back: the outcome is the same.
    const result = await run(badFile, false);
    if (!result.ok) throw new Error(result.error);
    const { outcome } = result;

    expect(outcome).toMatchObject({ inserted: 0, updated: 0, deregistered: 0, rejectedTotal: 20_000, warningsTotal: 4_000 });
    expect(outcome.rejectedByProblem).toEqual([
      { field: "date_of_birth", problem: problems.badDate, rows: 12_000 },
      { field: "nhs_number", problem: problems.notTenDigits, rows: 4_000 },
      { field: "nhs_number", problem: problems.duplicate, rows: 4_000 },
    ]);
    expect(outcome.warningsByProblem).toEqual([{ field: "email", problem: problems.badEmail, rows: 4_000 }]);

    // Kept: the first 1,000 of each, in row order, each message naming its row's own value.
    expect(outcome.rejected).toHaveLength(KEPT);
    expect(outcome.rejected.map((issue) => issue.row)).toEqual(Array.from({ length: KEPT }, (_, i) => i + 2));
    const duplicateRows = file.rowsOf("duplicate");
    for (const issue of outcome.rejected) {
      expect(issue.message).toBe(expectedMessage(kindOf(issue.row), issue.row, duplicateRows));
    }
    expect(outcome.warnings).toHaveLength(KEPT);
    expect(outcome.warnings.map((issue) => [issue.row, issue.message])).toEqual(
      duplicateRows.slice(0, KEPT).map((row) => [row, `The email address "bad-email-${row}" is not valid and was left out.`]),
    );

    // The import's record keeps what the outcome kept; the audit event has the totals.
    const [recorded] = await db.admin`
      select jsonb_array_length(i.rejected) as rejected, jsonb_array_length(i.warnings) as warnings,
             e.summary->>'rejected' as rejected_total, e.summary->>'warnings' as warnings_total
      from imports i join audit_events e on e.subject_id = i.id::text and e.action = 'patients.imported'
      where i.id = ${outcome.importId!}`;
    expect(recorded).toEqual({ rejected: KEPT, warnings: KEPT, rejected_total: "20000", warnings_total: "4000" });
  });
});

describe("an import preview of a file of bad rows (staff pages, over HTTP)", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;
  let staff: StaffClient;

  beforeAll(async () => {
    app = await startAppUnderTest({ env: { WORKER: "false" } });
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    staff = new StaffClient(app.baseUrl);
    const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
    await staff.signIn(manager.email, DEMO_PASSWORD, manager.totpSecret);
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  /** Uploads a file on the import page and returns the job's page once the preview is done. */
  async function preview(csv: string): Promise<{ url: string; text: string }> {
    const form = new FormData();
    form.set("format", "canonical");
    form.set("patientList", new Blob([csv], { type: "text/csv" }), "bad-rows.csv");
    const posted = await fetch(`${app.baseUrl}/staff/import`, { method: "POST", body: form, headers: { origin: app.baseUrl, cookie: staff.cookie }, redirect: "manual" });
    const url = posted.headers.get("location");
    if (!url) throw new Error(`upload: ${posted.status} ${await posted.text()}`);
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const html = await (await staff.get(`${url}?refresh=off`)).text();
      const text = html.replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ");
      if (!/Checking the file/.test(text)) return { url, text };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The preview of ${url} did not finish.`);
  }

  it("shows the first rows and says how many more have each problem, and the report keeps 1,000 and counts the rest", async () => {
    // The practice's own patients, each with a date of birth that is no date: rejected, but
    // still on the list, so the file does not look like a much shorter list.
    const registered = (await admin<{ nhs_number: string }[]>`select nhs_number from patients where registration = 'registered' order by nhs_number`).map((p) => p.nhs_number);
    const rows = registered.length + 3_500;
    let badDates = 0;
    const kinds = Array.from({ length: rows }, (_, index): Kind => {
      if (index % 5 === 4) return "duplicate";
      return badDates++ < registered.length ? "badDate" : "notTenDigits";
    });
    const kindOf = (row: number) => kinds[row - 2]!;
    const file = badRows(kinds, registered);
    const count = (kind: Kind) => file.rowsOf(kind).length;
    expect(count("badDate")).toBe(registered.length);

    const { url, text } = await preview(file.csv);
    expect(text).toContain("Check the changes before you import");
    expect(text).toContain(`Rows rejected (not imported) ${rows.toLocaleString("en-GB")}`);
    expect(text).toContain(`The first 20 of ${rows.toLocaleString("en-GB")} rejected rows`);
    const shownOf = (kind: Kind) => file.rowsOf(kind).filter((row) => row <= 21).length;
    for (const [kind, field, problem] of [["badDate", "date_of_birth", problems.badDate], ["notTenDigits", "nhs_number", problems.notTenDigits], ["duplicate", "nhs_number", problems.duplicate]] as const) {
      expect(text).toContain(`and ${(count(kind) - shownOf(kind)).toLocaleString("en-GB")} more rows with the same problem (${field}): ${problem}`);
    }
    expect(text).toContain("Download the report of the first 1,000 rejected rows and 1,000 warnings, with counts of the rest (CSV)");

    const report = parse(await (await staff.get(`${url}/report.csv`)).text(), { bom: true }) as string[][];
    const rejected = report.filter(([kind]) => kind === "rejected");
    const kept = rejected.filter(([, row]) => row !== "");
    expect(kept).toHaveLength(KEPT);
    const duplicateRows = file.rowsOf("duplicate");
    for (const [, row, , message] of kept) expect(message).toBe(expectedMessage(kindOf(Number(row)), Number(row), duplicateRows));
    // Then one line for each problem, the most common first, with how many rows it leaves out.
    const keptOf = (kind: Kind) => kept.filter(([, row]) => kindOf(Number(row)) === kind).length;
    const fields = { badDate: "date_of_birth", notTenDigits: "nhs_number", duplicate: "nhs_number" } as const;
    expect(rejected.filter(([, row]) => row === "").map(([, , field, message]) => [field, message])).toEqual(
      (["notTenDigits", "badDate", "duplicate"] as const).map((kind) => [
        fields[kind],
        `and ${(count(kind) - keptOf(kind)).toLocaleString("en-GB")} more rows with the same problem (${fields[kind]}): ${problems[kind]}`,
      ]),
    );
    expect(count("notTenDigits")).toBeGreaterThan(count("badDate"));
    expect(count("badDate")).toBeGreaterThan(count("duplicate"));
  });

  it("refuses a row of nothing but commas as too long, naming its row, rather than reading it without end", async () => {
    const { text } = await preview(`${HEADER}\r\n${DUPLICATED},Ann,Lee,1970-01-01,\r\n${",".repeat(2_000_000)}\r\n`);
    expect(text).toContain("This file cannot be imported");
    expect(text).toContain("Row 3 of the patient file is longer than 64 KB");
  });
});
