import { randomBytes } from "node:crypto";
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { importProblemsContent } from "../content/import-problems";
import { toCsv } from "../domain/csv-out";
import { rowsNotShown } from "../domain/import-problems";
import { getEnv } from "../env.server";
import { importPatientList, type ImportFileFormat, type ImportOutcome, type ImportResult } from "./patient-import.server";
import type { StaffContext } from "./staff-session.server";

// A manager's import from the staff pages: the upload is previewed (a dry
// run), then, once they confirm, imported for real, each in the background
// so a large file can show its progress.
//
// Jobs live in memory, in this process only. A deployment of several app
// instances would need sticky sessions (or a shared job store) for a job's
// pages to reach the instance running it. Either way nothing is ever half
// applied: the import itself is one PostgreSQL transaction, so a lost job
// (a restart, say) leaves the list as it was before the confirm.

export type ImportJobPhase = "previewing" | "previewed" | "importing" | "imported" | "failed";

export interface ImportProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportJobView {
  id: string;
  phase: ImportJobPhase;
  fileName: string;
  format: ImportFileFormat;
  progress: ImportProgress;
  /** What the import would do (previewed) or did (imported). */
  outcome: ImportOutcome | null;
  /** Why it failed, in one sentence; nothing was changed. */
  error: string | null;
  /** Whether the failure was the preview's (the file cannot be imported) or the real import's. */
  failedAt: "preview" | "import" | null;
  /**
   * The preview was refused only because the file would deregister more
   * than a fifth of the list; a manager may choose to preview it again
   * allowing that.
   */
  shrinkRefused: boolean;
  /** The manager chose to allow the file to deregister more than a fifth of the list. */
  allowShrink: boolean;
}

export type ConfirmResult = { ok: true } | { ok: false; kind: "not-found" } | { ok: false; kind: "refused"; error: string };

interface ImportJob extends ImportJobView {
  practiceId: string;
  odsCode: string;
  filePath: string;
  createdAt: number;
}

/** Uploads, and jobs, older than this are abandoned: nobody confirmed them. */
export const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

const PROBLEM = "The import stopped because of a problem in the portal, and nothing was changed: try again, and if it happens again tell your system supplier.";

// On globalThis rather than in a module variable, so that reloading modules in
// development does not lose running jobs.
const key = Symbol.for("online-access-portal.import-jobs");
const jobs: Map<string, ImportJob> = ((globalThis as { [key]?: Map<string, ImportJob> })[key] ??= new Map());

/** Where uploaded patient lists wait between upload and import. */
export function importUploadDirectory(): string {
  return path.join(getEnv().dataDir, "uploads");
}

/**
 * Starts a dry run of an uploaded patient list for the staff member's
 * practice. Returns the job's id (128 random bits, hex), for its page.
 */
export async function startPreview(input: {
  context: StaffContext;
  upload: { filePath: string; fileName: string };
  format: ImportFileFormat;
}): Promise<string> {
  await removeAbandonedUploads(Date.now());
  const totalBytes = await stat(input.upload.filePath).then((s) => s.size, () => 0);
  const job: ImportJob = {
    id: randomBytes(16).toString("hex"),
    practiceId: input.context.practice.id,
    odsCode: input.context.practice.odsCode,
    filePath: input.upload.filePath,
    fileName: input.upload.fileName,
    format: input.format,
    phase: "previewing",
    progress: { rows: 0, bytesRead: 0, totalBytes },
    outcome: null,
    error: null,
    failedAt: null,
    shrinkRefused: false,
    allowShrink: false,
    createdAt: Date.now(),
  };
  jobs.set(job.id, job);
  void run(job, input.context, true);
  return job.id;
}

/**
 * Imports, for real, a file whose preview succeeded. Only for the practice
 * that uploaded it, and only once.
 */
export function confirmImport(context: StaffContext, jobId: string): ConfirmResult {
  const job = jobOf(context, jobId);
  if (!job) return { ok: false, kind: "not-found" };
  switch (job.phase) {
    case "previewing":
      return { ok: false, kind: "refused", error: "The preview has not finished yet: wait for it, then check the changes before you import." };
    case "importing":
    case "imported":
      return { ok: false, kind: "refused", error: "This file has already been imported: it cannot be imported twice from one preview." };
    case "failed":
      return { ok: false, kind: "refused", error: "This file cannot be imported: upload a corrected file." };
    case "previewed":
      break;
  }
  const busy = [...jobs.values()].some((other) => other.practiceId === job.practiceId && other.phase === "importing");
  if (busy) {
    return { ok: false, kind: "refused", error: "Another patient list is being imported for this practice: wait for it to finish, then try again." };
  }
  // Set before anything awaits, so a second confirm (a double click, another
  // tab) is refused above.
  job.phase = "importing";
  job.progress = { rows: 0, bytesRead: 0, totalBytes: job.progress.totalBytes };
  void run(job, context, false);
  return { ok: true };
}

/**
 * Previews again a file refused only by the shrink guard, this time allowing
 * it to mark more than a fifth of the list as no longer registered: an
 * explicit, audited choice of the manager's (the import records it).
 */
export function previewAllowingShrink(context: StaffContext, jobId: string): ConfirmResult {
  const job = jobOf(context, jobId);
  if (!job) return { ok: false, kind: "not-found" };
  if (job.phase !== "failed" || !job.shrinkRefused) {
    return { ok: false, kind: "refused", error: "Only a file refused because it would remove too many patients can be previewed again this way." };
  }
  Object.assign(job, {
    phase: "previewing",
    allowShrink: true,
    shrinkRefused: false,
    error: null,
    failedAt: null,
    progress: { rows: 0, bytesRead: 0, totalBytes: job.progress.totalBytes },
  } satisfies Partial<ImportJob>);
  void run(job, context, true);
  return { ok: true };
}

/** The job, or null when there is none by that id for the staff member's practice. */
export function getJob(context: StaffContext, jobId: string): ImportJobView | null {
  const job = jobOf(context, jobId);
  if (!job) return null;
  return {
    id: job.id,
    phase: job.phase,
    fileName: job.fileName,
    format: job.format,
    progress: { ...job.progress },
    outcome: job.outcome,
    error: job.error,
    failedAt: job.failedAt,
    shrinkRefused: job.shrinkRefused,
    allowShrink: job.allowShrink,
  };
}

/**
 * The rejections and warnings of the preview (or, once imported, of the
 * import) as CSV: kind, row, field, message. The first of each the outcome
 * kept, each on its row; then, for each problem with more rows than that, one
 * line with no row saying how many more. Null when the job is unknown or has
 * no outcome yet.
 */
export function reportCsv(context: StaffContext, jobId: string): string | null {
  const outcome = jobOf(context, jobId)?.outcome;
  if (!outcome) return null;
  const lines = (kind: string, kept: ImportOutcome["rejected"], byProblem: ImportOutcome["rejectedByProblem"]) => [
    ...kept.map((issue) => [kind, issue.row, issue.field, issue.message]),
    ...rowsNotShown(byProblem, kept).map(({ field, problem, more }) => [kind, "", field, importProblemsContent.moreRows(more, problem, field)]),
  ];
  return toCsv(
    ["kind", "row", "field", "message"],
    [...lines("rejected", outcome.rejected, outcome.rejectedByProblem), ...lines("warning", outcome.warnings, outcome.warningsByProblem)],
  );
}

function jobOf(context: StaffContext, jobId: string): ImportJob | null {
  const job = /^[0-9a-f]{32}$/.test(jobId) ? jobs.get(jobId) : undefined;
  // Tenancy: another practice's job does not exist, as far as this practice can tell.
  return job && job.practiceId === context.practice.id ? job : null;
}

async function run(job: ImportJob, context: StaffContext, dryRun: boolean): Promise<void> {
  let result: ImportResult;
  try {
    result = await importPatientList({
      odsCode: job.odsCode,
      filePath: job.filePath,
      fileName: job.fileName,
      format: job.format,
      dryRun,
      allowShrink: job.allowShrink,
      actor: { id: context.user.id, role: context.role },
      onProgress: (progress) => {
        job.progress = { ...progress };
      },
    });
  } catch (error) {
    console.error(`Import job ${job.id} (${dryRun ? "preview" : "import"}) failed:`, error);
    result = { ok: false, error: PROBLEM, reason: "file" };
  }
  // A finished import is done with its file, and a refused preview can never
  // be confirmed (unless refused by the shrink guard, which the manager may
  // override); a good preview keeps it for the confirm. Removed before the
  // phase changes, so whoever sees a job finished never finds its file.
  const shrinkRefused = dryRun && !result.ok && result.reason === "shrink";
  if (!dryRun || (!result.ok && !shrinkRefused)) await removeUpload(job.filePath);
  job.shrinkRefused = shrinkRefused;
  if (result.ok) {
    job.outcome = result.outcome;
    job.phase = dryRun ? "previewed" : "imported";
  } else {
    job.outcome = null;
    job.error = result.error;
    job.failedAt = dryRun ? "preview" : "import";
    job.phase = "failed";
  }
}

async function removeUpload(filePath: string): Promise<void> {
  await rm(filePath, { force: true }).catch((error: unknown) => console.error(`Could not remove the upload ${filePath}:`, error));
}

/** Forgets jobs, and removes uploads, that nobody has confirmed for a day. */
async function removeAbandonedUploads(now: number): Promise<void> {
  const running = new Set<string>();
  for (const [id, job] of jobs) {
    if (job.phase === "previewing" || job.phase === "importing") running.add(path.resolve(job.filePath));
    else if (now - job.createdAt > ABANDONED_AFTER_MS) jobs.delete(id);
  }
  const directory = importUploadDirectory();
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    const filePath = path.join(directory, name);
    if (running.has(path.resolve(filePath))) continue;
    const info = await stat(filePath).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > ABANDONED_AFTER_MS) await removeUpload(filePath);
  }
}
