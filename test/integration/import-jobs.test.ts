import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startsLikeFormula } from "../../app/domain/csv-out";
import {
  confirmImport,
  getJob,
  importUploadDirectory,
  previewAllowingShrink,
  reportCsv,
  startPreview,
  type ImportJobPhase,
  type ImportJobView,
} from "../../app/services/import-jobs.server";
import { importPatientList } from "../../app/services/patient-import.server";
import { addPractice } from "../../app/services/practices.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const FIXTURE = readFileSync(new URL("../fixtures/patients-sample.csv", import.meta.url));
const expected = JSON.parse(readFileSync(new URL("../fixtures/patients-sample.expected.json", import.meta.url), "utf8")) as {
  ok: Record<string, unknown>;
  rejected: { row: number; field: string }[];
  warnings: { row: number; field: string }[];
};
const FORMULA = '=HYPERLINK("http://x")';

describe("import jobs (upload, preview, confirm)", () => {
  let db: TestDatabase;
  let dataDir: string;
  let practices = 0;
  let userId = "";

  /** A practice of its own for each test, and a manager's context for it. */
  async function managerOfNewPractice(): Promise<StaffContext> {
    const odsCode = `J${String(20000 + ++practices)}`;
    const added = await addPractice({ odsCode, name: `Jobs ${odsCode}`, clinicalSystem: "emis" });
    if (!added.ok) throw new Error(added.error);
    return {
      sessionTokenHash: "x",
      user: { id: userId, name: "Morgan", email: "m@example.org" },
      practice: { id: added.practice.id, odsCode, name: added.practice.name, clinicalSystem: "emis", goLiveDate: null },
      role: "manager",
      memberships: [],
      developmentMail: false,
    };
  }

  /** As the upload route leaves it: a random name in the upload directory. */
  function upload(content: string | Buffer, fileName = "patients.csv") {
    mkdirSync(importUploadDirectory(), { recursive: true });
    const filePath = path.join(importUploadDirectory(), `${randomBytes(16).toString("hex")}.csv`);
    writeFileSync(filePath, content);
    return { filePath, fileName };
  }

  async function settled(context: StaffContext, jobId: string, phases: ImportJobPhase[]): Promise<ImportJobView> {
    for (let i = 0; i < 600; i++) {
      const job = getJob(context, jobId);
      if (job && phases.includes(job.phase)) return job;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`Job ${jobId} did not reach ${phases.join(" or ")}: ${JSON.stringify(getJob(context, jobId))}`);
  }

  const patientCount = async (context: StaffContext) =>
    (await db.admin<{ n: number }[]>`select count(*)::int as n from patients where practice_id = ${context.practice.id}`)[0]!.n;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "portal-import-jobs-"));
    process.env.DATA_DIR = dataDir;
    db = await createTestDatabase();
    const [user] = await db.admin<{ id: string }[]>`insert into staff_users (email, name, status) values ('m@example.org', 'Morgan', 'active') returning id`;
    userId = user!.id;
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await db.drop();
  });

  it("keeps uploads in the data directory", () => {
    expect(importUploadDirectory()).toBe(path.join(dataDir, "uploads"));
  });

  it("previews without changing anything, then imports on confirm with the counts importPatientList gives, and removes the upload", async () => {
    const context = await managerOfNewPractice();
    const direct = await importPatientList({
      odsCode: context.practice.odsCode,
      filePath: upload(FIXTURE).filePath,
      format: "canonical",
      dryRun: true,
      actor: { id: userId, role: "manager" },
    });
    if (!direct.ok) throw new Error(direct.error);

    const file = upload(FIXTURE, "riverside list.csv");
    const jobId = await startPreview({ context, upload: file, format: "canonical" });
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    const previewed = await settled(context, jobId, ["previewed", "failed"]);
    expect(previewed).toMatchObject({ phase: "previewed", fileName: "riverside list.csv", format: "canonical", error: null });
    expect(previewed.outcome).toEqual(direct.outcome);
    expect(previewed.progress).toEqual({ rows: 20, bytesRead: FIXTURE.length, totalBytes: FIXTURE.length });
    expect(await patientCount(context)).toBe(0);
    expect(existsSync(file.filePath)).toBe(true);

    expect(confirmImport(context, jobId)).toEqual({ ok: true });
    const imported = await settled(context, jobId, ["imported", "failed"]);
    expect(imported.phase).toBe("imported");
    expect(imported.outcome).toMatchObject({
      committed: true,
      importId: expect.any(String),
      inserted: Object.keys(expected.ok).length,
      updated: 0,
      unchanged: 0,
      deregistered: 0,
    });
    expect(imported.outcome!.rejected.map(({ row, field }) => ({ row, field }))).toEqual(expected.rejected);
    expect(imported.outcome!.warnings.map(({ row, field }) => ({ row, field }))).toEqual(expected.warnings);
    expect({ ...imported.outcome, committed: false, importId: null }).toEqual(direct.outcome);
    expect(await patientCount(context)).toBe(Object.keys(expected.ok).length);
    expect(existsSync(file.filePath)).toBe(false);
    const [audit] = await db.admin`select actor_id, actor_role, summary->>'fileName' as file_name from audit_events where action = 'patients.imported' and practice_id = ${context.practice.id}`;
    expect(audit).toEqual({ actor_id: userId, actor_role: "manager", file_name: "riverside list.csv" });
  });

  it("shows another practice nothing of the job: not its progress, report or confirm", async () => {
    const mine = await managerOfNewPractice();
    const theirs = await managerOfNewPractice();
    const jobId = await startPreview({ context: mine, upload: upload(FIXTURE), format: "canonical" });
    await settled(mine, jobId, ["previewed"]);
    expect(getJob(theirs, jobId)).toBeNull();
    expect(reportCsv(theirs, jobId)).toBeNull();
    expect(confirmImport(theirs, jobId)).toEqual({ ok: false, kind: "not-found" });
    expect(getJob(mine, jobId)?.phase).toBe("previewed");
    expect(getJob(mine, "0".repeat(32))).toBeNull();
    expect(getJob(mine, "../../etc/passwd")).toBeNull();
  });

  it("refuses a confirm before the preview has finished, and a second confirm", async () => {
    const context = await managerOfNewPractice();
    const jobId = await startPreview({ context, upload: upload(FIXTURE), format: "canonical" });
    expect(confirmImport(context, jobId)).toMatchObject({ ok: false, kind: "refused", error: expect.stringContaining("has not finished") });
    await settled(context, jobId, ["previewed"]);
    expect(confirmImport(context, jobId)).toEqual({ ok: true });
    expect(confirmImport(context, jobId)).toMatchObject({ ok: false, kind: "refused", error: expect.stringContaining("already been imported") });
    await settled(context, jobId, ["imported"]);
    expect(confirmImport(context, jobId)).toMatchObject({ ok: false, kind: "refused" });
    const [imports] = await db.admin<{ n: number }[]>`select count(*)::int as n from imports where practice_id = ${context.practice.id}`;
    expect(imports!.n).toBe(1);
  });

  it("names a refused file in one sentence, offers no confirm, and removes the upload", async () => {
    const context = await managerOfNewPractice();
    const file = upload("surname;forename\r\nSmith;Ann\r\n", "export.csv");
    const jobId = await startPreview({ context, upload: file, format: "canonical" });
    const job = await settled(context, jobId, ["failed", "previewed"]);
    expect(job).toMatchObject({ phase: "failed", failedAt: "preview", outcome: null, error: expect.stringContaining("semicolons") });
    expect(confirmImport(context, jobId)).toMatchObject({ ok: false, kind: "refused" });
    expect(existsSync(file.filePath)).toBe(false);
    expect(reportCsv(context, jobId)).toBeNull();
  });

  it("reports every rejection and warning as CSV, with a formula in a value kept as text", async () => {
    const context = await managerOfNewPractice();
    const csv = [
      "nhs_number,given_name,family_name,date_of_birth,email",
      `9434765919,Ann,"${FORMULA.replaceAll('"', '""')}","${FORMULA.replaceAll('"', '""')}",`,
      "9434765870,Bob,Jones,1970-01-01,not an email",
      "9990000018,Cy,Lee,1970-01-01,-1+1@x",
      "1234567890,Di,Ray,1970-01-01,",
    ].join("\r\n");
    const jobId = await startPreview({ context, upload: upload(csv), format: "canonical" });
    const job = await settled(context, jobId, ["previewed", "failed"]);
    expect(job.outcome).toMatchObject({ inserted: 2 });
    const report = reportCsv(context, jobId)!;
    const records = parse(report) as string[][];
    const issues = job.outcome!.rejected.length + job.outcome!.warnings.length;
    expect(issues).toBe(4);
    expect(report.split("\r\n")).toHaveLength(1 + issues + 1); // the header, one line per issue, then the final CRLF
    expect(records[0]).toEqual(["kind", "row", "field", "message"]);
    expect(records.slice(1).map(([kind, row, field]) => [kind, row, field])).toEqual([
      ["rejected", "2", "date_of_birth"],
      ["rejected", "5", "nhs_number"],
      ["warning", "3", "email"],
      ["warning", "4", "email"],
    ]);
    expect(records[1]![3]).toBe(`The date of birth "${FORMULA}" is not a valid date.`);
    expect(report).toContain(`"The date of birth ""=HYPERLINK(""http://x"")"" is not a valid date."`);
    expect(records.flat().some(startsLikeFormula)).toBe(false);
  });

  it("removes uploads nobody confirmed for a day when the next preview starts, and keeps newer ones", async () => {
    const context = await managerOfNewPractice();
    const old = upload("old");
    const recent = upload("recent");
    const dayAndAnHourAgo = new Date(Date.now() - 25 * 3_600_000);
    utimesSync(old.filePath, dayAndAnHourAgo, dayAndAnHourAgo);
    const jobId = await startPreview({ context, upload: upload(FIXTURE), format: "canonical" });
    expect(existsSync(old.filePath)).toBe(false);
    expect(existsSync(recent.filePath)).toBe(true);
    await settled(context, jobId, ["previewed"]);
  });

  it("lets a manager, by an explicit second step, import a list that removes more than a fifth", async () => {
    const context = await managerOfNewPractice();
    const whole = await importPatientList({
      odsCode: context.practice.odsCode,
      filePath: upload(FIXTURE).filePath,
      format: "canonical",
      actor: { id: null, role: "cli" },
    });
    expect(whole.ok).toBe(true);
    const lines = FIXTURE.toString("utf8").split("\r\n");
    const short = upload(lines.slice(0, 4).join("\r\n") + "\r\n");
    const jobId = await startPreview({ context, upload: short, format: "canonical" });
    const refused = await settled(context, jobId, ["failed", "previewed"]);
    expect(refused).toMatchObject({ phase: "failed", shrinkRefused: true, error: expect.stringContaining("as no longer registered") });
    // Kept for the manager's choice.
    expect(existsSync(short.filePath)).toBe(true);

    expect(previewAllowingShrink(context, jobId)).toEqual({ ok: true });
    const previewed = await settled(context, jobId, ["previewed", "failed"]);
    expect(previewed).toMatchObject({ phase: "previewed", allowShrink: true, outcome: { deregistered: 15, unchanged: 3 } });
    expect(await patientCount(context)).toBe(18);
    expect(confirmImport(context, jobId)).toEqual({ ok: true });
    await settled(context, jobId, ["imported"]);
    const [registered] = await db.admin<{ n: number }[]>`
      select count(*)::int as n from patients where practice_id = ${context.practice.id} and registration = 'registered'`;
    expect(registered!.n).toBe(3);
    const [audit] = await db.admin`
      select summary->>'allowedShrink' as allowed from audit_events where practice_id = ${context.practice.id} and action = 'patients.imported' order by id desc limit 1`;
    expect(audit!.allowed).toBe("true");
  });

  it("does not let the shrink override apply to a file refused for anything else", async () => {
    const context = await managerOfNewPractice();
    const jobId = await startPreview({ context, upload: upload("surname;forename\r\nSmith;Ann\r\n"), format: "canonical" });
    await settled(context, jobId, ["failed"]);
    expect(previewAllowingShrink(context, jobId)).toMatchObject({ ok: false, kind: "refused" });
    const other = await managerOfNewPractice();
    expect(previewAllowingShrink(other, jobId)).toEqual({ ok: false, kind: "not-found" });
  });
});
