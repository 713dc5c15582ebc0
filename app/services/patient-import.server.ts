import path from "node:path";
import { isConnectionLost } from "../../db/connection-lost.server";
import { withPracticeSql, withoutPractice } from "../../db/tenancy.server";
import { ukLocalDay } from "../domain/calendar";
import type { IMPORT_FORMATS } from "../domain/import-columns";
import { KEPT_ISSUES, type ImportIssue, type ProblemCount } from "../domain/import-problems";
import { DUPLICATE_NHS_NUMBER, duplicateNhsNumberRejection } from "../domain/import-row";
import { recordImportFigures } from "./reports.server";
import { appendAuditEventSql } from "../models/audit.server";
import {
  completeImportRecord,
  countMissingFromFile,
  countStagedRows,
  countUpdatedPatients,
  createStagingTables,
  deregisterMissing,
  dropUnmatchedCodes,
  indexStaging,
  insertImportRecord,
  insertNewPatients,
  replaceChangedCodes,
  stageCodesFromRows,
  takeDuplicateRows,
  updateChangedPatients,
} from "../models/patient-import.server";
import { getPracticeByOdsCode } from "../models/practices.server";
import { confirmDecisionsShownByImport } from "../models/reconciliation.server";
import { ImportRefused, inspectFile } from "./patient-import-csv.server";
import { stageCodesFile, stagePatientRows } from "./patient-import-staging.server";

/** A full-list import may not mark more than this share of the list as gone, unless told to. */
export const MAX_SHRINK = 0.2;

export type ImportFileFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportInput {
  odsCode: string;
  /** The patient list on disk: read as a stream, never whole. */
  filePath: string;
  /** The name to record (the uploaded file's name); defaults to the path's. */
  fileName?: string;
  format: ImportFileFormat;
  /** Header → canonical column, for exports no preset knows. */
  columnMap?: Record<string, string>;
  /** A long-format file (nhs_number,code,recorded_at) standing in for the latest_* columns. */
  codesFilePath?: string;
  dryRun?: boolean;
  allowShrink?: boolean;
  actor: { id: string | null; role: string };
  now?: Date;
  onProgress?: (progress: { rows: number; bytesRead: number; totalBytes: number }) => void;
}

export interface ImportOutcome {
  committed: boolean;
  importId: string | null;
  inserted: number;
  updated: number;
  unchanged: number;
  deregistered: number;
  /** The first KEPT_ISSUES rejected rows, by row: each names its row, field and value. */
  rejected: ImportIssue[];
  /** Every rejected row, counted. */
  rejectedTotal: number;
  /** Every rejected row counted by its problem, the most common first. */
  rejectedByProblem: ProblemCount[];
  /** The first KEPT_ISSUES warnings, by row. */
  warnings: ImportIssue[];
  warningsTotal: number;
  warningsByProblem: ProblemCount[];
  /** Entries of the codes file with other SNOMED codes, or for patients not in the list. */
  ignoredCodes: number;
  /** Portal decisions whose asked-for code this file shows, now marked confirmed by it. */
  confirmedDecisions: number;
}

export type ImportResult =
  | { ok: true; outcome: ImportOutcome }
  /**
   * `shrink`: the file would deregister too much of the list (allowShrink overrides);
   * `database`: the connection to PostgreSQL was lost, so the transaction never committed.
   */
  | { ok: false; error: string; reason: "file" | "shrink" | "database" };

/** Thrown at the end of a dry run, so its transaction rolls back. */
class DryRunFinished extends Error {
  constructor(readonly outcome: ImportOutcome) {
    super("dry run");
  }
}

/**
 * Imports a practice's patient list from a clinical-system export: every row
 * validated as it streams into a staging table, then the valid ones applied
 * in one transaction (insert new, update changed, leave unchanged untouched,
 * replace changed coded histories, deregister the missing). A bad file
 * changes nothing; a bad row is named and skipped; no valid row is lost.
 */
export async function importPatientList(input: ImportInput): Promise<ImportResult> {
  const practice = await withoutPractice((tx) => getPracticeByOdsCode(tx, input.odsCode));
  if (!practice) return { ok: false, error: `There is no practice with ODS code ${input.odsCode}.`, reason: "file" };
  const now = input.now ?? new Date();
  const today = ukLocalDay(now);

  try {
    const file = await inspectFile(input.filePath, "The patient file");
    const codesFile = input.codesFilePath ? await inspectFile(input.codesFilePath, "The codes file") : null;
    const outcome = await withPracticeSql(practice.id, async (tx) => {
      await createStagingTables(tx);
      const importId = await insertImportRecord(tx, {
        practiceId: practice.id,
        importedBy: input.actor.id,
        fileName: input.fileName ?? path.basename(input.filePath),
        fileSha256: file.sha256,
        format: input.columnMap ? "mapped" : input.format,
      });

      const staged = await stagePatientRows(tx, input, file, today);
      let ignoredCodes = 0;
      if (codesFile) {
        ignoredCodes += await stageCodesFile(tx, codesFile, today, staged.rejected);
      } else {
        await stageCodesFromRows(tx);
      }
      await indexStaging(tx);

      // Only the first KEPT_ISSUES can be among the rejections kept; the rest are counted.
      const duplicates = await takeDuplicateRows(tx, KEPT_ISSUES);
      for (const first of duplicates.first) staged.rejected.add(duplicateNhsNumberRejection(first.row, first));
      staged.rejected.count(DUPLICATE_NHS_NUMBER, duplicates.rows - duplicates.first.length);
      ignoredCodes += await dropUnmatchedCodes(tx);
      const fileRows = await countStagedRows(tx);

      const { registered, missing } = await countMissingFromFile(tx, practice.id);
      if (!input.allowShrink && registered > 0 && missing / registered > MAX_SHRINK) {
        throw new ImportRefused(
          `This file would mark ${missing.toLocaleString("en-GB")} of the ${registered.toLocaleString("en-GB")} registered patients (${Math.round((missing / registered) * 100)}%) as no longer registered, more than ${MAX_SHRINK * 100}%: check it is the whole list.`,
          "shrink",
        );
      }

      const inserted = await insertNewPatients(tx, practice.id, importId);
      await updateChangedPatients(tx, practice.id, importId);
      await replaceChangedCodes(tx, practice.id, importId);
      const confirmedDecisions = await confirmDecisionsShownByImport(tx, practice.id, importId);
      if (confirmedDecisions > 0) {
        await appendAuditEventSql(tx, {
          practiceId: practice.id,
          actorId: input.actor.id,
          actorRole: input.actor.role,
          action: "decisions.confirmed-by-import",
          subjectType: "import",
          subjectId: importId,
          summary: { importId, confirmed: confirmedDecisions },
        });
      }
      const updated = await countUpdatedPatients(tx);
      // Counted above, before anything changed: with nobody missing there is nothing to look for.
      const deregistered = missing > 0 ? await deregisterMissing(tx, practice.id, importId) : 0;

      const rejected = staged.rejected.summary();
      const warnings = staged.warnings.summary();
      const outcome: ImportOutcome = {
        committed: !input.dryRun,
        importId: input.dryRun ? null : importId,
        inserted,
        updated,
        unchanged: fileRows - inserted - updated,
        deregistered,
        rejected: rejected.kept,
        rejectedTotal: rejected.total,
        rejectedByProblem: rejected.byProblem,
        warnings: warnings.kept,
        warningsTotal: warnings.total,
        warningsByProblem: warnings.byProblem,
        ignoredCodes,
        confirmedDecisions,
      };
      await completeImportRecord(tx, importId, outcome);
      await appendAuditEventSql(tx, {
        practiceId: practice.id,
        actorId: input.actor.id,
        actorRole: input.actor.role,
        action: "patients.imported",
        subjectType: "import",
        subjectId: importId,
        summary: {
          fileName: input.fileName ?? path.basename(input.filePath),
          sha256: file.sha256,
          inserted,
          updated: outcome.updated,
          unchanged: outcome.unchanged,
          deregistered,
          rejected: rejected.total,
          warnings: warnings.total,
          confirmedDecisions,
          allowedShrink: Boolean(input.allowShrink),
        },
      });
      if (input.dryRun) throw new DryRunFinished(outcome);
      return outcome;
    });
    // The new list's figures, for the reports' trend: once committed, outside the import's
    // transaction. The import stands without them, so failing to count only costs a trend point.
    if (outcome.importId) {
      await recordImportFigures(practice.id, outcome.importId, now).catch((error: unknown) =>
        console.error(`Import ${outcome.importId} committed, but its figures for the trend could not be counted:`, error),
      );
    }
    return { ok: true, outcome };
  } catch (error) {
    if (error instanceof DryRunFinished) return { ok: true, outcome: error.outcome };
    if (isConnectionLost(error)) {
      // Nothing to audit with: the database is away. Its transaction rolled back, so nothing changed.
      return { ok: false, error: "The connection to the database was lost during the import, so nothing was changed: import the file again once the database is back.", reason: "database" };
    }
    if (!(error instanceof ImportRefused)) throw error;
    // The import changed nothing, but that someone tried, and why it was refused, is kept.
    await withPracticeSql(practice.id, (tx) =>
      appendAuditEventSql(tx, {
        practiceId: practice.id,
        actorId: input.actor.id,
        actorRole: input.actor.role,
        action: "patients.import-refused",
        summary: { fileName: input.fileName ?? path.basename(input.filePath), reason: error.message, dryRun: Boolean(input.dryRun) },
      }),
    );
    return { ok: false, error: error.message, reason: error.reason };
  }
}
