import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { Transform, type Writable } from "node:stream";
import { parse, type CsvError } from "csv-parse";
import type postgres from "postgres";
import { isConnectionLost } from "../../db/connection-lost.server";
import { withPracticeSql, withoutPractice } from "../../db/tenancy.server";
import { ukLocalDay } from "../domain/calendar";
import { IMPORT_FORMATS, resolveColumns, type CanonicalColumn } from "../domain/import-columns";
import { duplicateNhsNumberRejections, parseCodesRow, validateRow, type ImportIssue, type ImportedPatient } from "../domain/import-row";
import { parseNhsNumber } from "../domain/nhs-number";
import { recordImportFigures } from "./reports.server";
import { appendAuditEventSql } from "../models/audit.server";
import {
  completeImportRecord,
  countMissingFromFile,
  countStagedRows,
  countUpdatedPatients,
  createStagingTables,
  csvLine,
  deregisterMissing,
  dropUnmatchedCodes,
  indexStaging,
  insertImportRecord,
  insertNewPatients,
  openStagingCopy,
  replaceChangedCodes,
  stageCodesFromRows,
  stageSeenNhsNumbers,
  takeDuplicateRows,
  updateChangedPatients,
} from "../models/patient-import.server";
import { getPracticeByOdsCode } from "../models/practices.server";
import { confirmDecisionsShownByImport } from "../models/reconciliation.server";

/** A full-list import may not mark more than this share of the list as gone, unless told to. */
export const MAX_SHRINK = 0.2;
/** Longer than any real patient-list row: a sign of a broken or wrong file. */
export const MAX_ROW_CHARACTERS = 100_000;

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
  rejected: ImportIssue[];
  warnings: ImportIssue[];
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

/** An expected refusal: one sentence for the person importing, and nothing changed. */
class ImportRefused extends Error {
  constructor(
    message: string,
    readonly reason: "file" | "shrink" = "file",
  ) {
    super(message);
  }
}
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

      const duplicates = await takeDuplicateRows(tx);
      staged.rejected.push(
        ...duplicateNhsNumberRejections(duplicates.flatMap((d) => d.rows.map((row) => ({ row, nhsNumber: d.nhsNumber })))),
      );
      await stageSeenNhsNumbers(tx, staged.seen);
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

      const rejected = staged.rejected.sort((a, b) => a.row - b.row);
      const outcome: ImportOutcome = {
        committed: !input.dryRun,
        importId: input.dryRun ? null : importId,
        inserted,
        updated,
        unchanged: fileRows - inserted - updated,
        deregistered,
        rejected,
        warnings: staged.warnings,
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
          rejected: rejected.length,
          warnings: staged.warnings.length,
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

interface InspectedFile {
  path: string;
  size: number;
  sha256: string;
  encoding: "utf-8" | "windows-1252";
}

/**
 * One pass over the bytes before any row is read: refuse empty and binary
 * files, take the hash, and tell UTF-8 from the Windows-1252 of older exports.
 */
async function inspectFile(filePath: string, what: string): Promise<InspectedFile> {
  const info = await stat(filePath).catch(() => null);
  if (!info?.isFile()) throw new ImportRefused(`${what} could not be found or opened.`);
  if (info.size === 0) throw new ImportRefused(`${what} is empty.`);
  const head = Buffer.alloc(Math.min(info.size, 8192));
  const handle = await open(filePath, "r");
  await handle.read(head, 0, head.length, 0).finally(() => handle.close());
  if (head.includes(0)) throw new ImportRefused(`${what} is not a CSV text file: it contains binary data.`);

  const hash = createHash("sha256");
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let isUtf8 = true;
  for await (const chunk of createReadStream(filePath)) {
    hash.update(chunk as Buffer);
    if (isUtf8) {
      try {
        utf8.decode(chunk as Buffer, { stream: true });
      } catch {
        isUtf8 = false;
      }
    }
  }
  if (isUtf8) {
    try {
      utf8.decode();
    } catch {
      isUtf8 = false;
    }
  }
  return { path: filePath, size: info.size, sha256: hash.digest("hex"), encoding: isUtf8 ? "utf-8" : "windows-1252" };
}

/** Bytes to text, in the file's encoding, chunk by chunk. */
function decoder(encoding: InspectedFile["encoding"]): Transform {
  const text = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      done(null, text.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, text.decode());
    },
  });
}

function csvRecords(file: InspectedFile, onBytes?: (bytes: number) => void) {
  const source = createReadStream(file.path);
  if (onBytes) source.on("data", (chunk) => onBytes(chunk.length));
  return source.pipe(decoder(file.encoding)).pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_ROW_CHARACTERS }),
  ) as AsyncIterable<string[]>;
}

/** Reads the records of a CSV file, turning the parser's failures into refusals naming the row. */
async function* readRecords(file: InspectedFile, what: string, onBytes?: (bytes: number) => void): AsyncGenerator<string[]> {
  let row = 0;
  try {
    for await (const record of csvRecords(file, onBytes)) {
      row += 1;
      yield record;
    }
  } catch (error) {
    throw new ImportRefused(explainCsvError(error as CsvError, row + 1, what));
  }
}

function explainCsvError(error: CsvError, row: number, what: string): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `${what} ends inside a quoted value that begins on row ${row}: check it is a complete CSV export.`;
    case "CSV_MAX_RECORD_SIZE":
      return `Row ${row} of ${what.replace(/^The /, "the ")} is longer than ${MAX_ROW_CHARACTERS.toLocaleString("en-GB")} characters, far too long for a patient list: check the export.`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `Row ${row} of ${what.replace(/^The /, "the ")} has a quote mark inside a value that is not quoted properly.`;
    default:
      return `${what} could not be read as CSV at row ${row}: ${error.message ?? "unknown problem"}.`;
  }
}

/** Lines for a COPY are sent this many characters at a time. */
const COPY_BATCH_CHARACTERS = 64 * 1024;

/**
 * Gathers CSV lines into large writes: postgres.js sends every write as a
 * CopyData message and socket write of its own, and waits for each before
 * taking the next, so one write per row costs a round of the event loop per row.
 */
function batchedCopy(stream: Writable) {
  let pending = "";
  // Once the connection is lost the stream must not be touched again: postgres.js would write
  // to a socket it has already let go of, and throw where nobody catches it.
  let failed = false;
  stream.on("error", () => {
    failed = true;
  });
  const flush = async () => {
    if (pending === "" || failed) return;
    const text = pending;
    pending = "";
    try {
      if (!stream.write(text)) await once(stream, "drain");
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  return {
    async write(line: string): Promise<void> {
      pending += line;
      if (pending.length >= COPY_BATCH_CHARACTERS) await flush();
    },
    /** Ends the COPY; after a failure, only lets the stream go (the failure is reported where it happened). */
    async finish(): Promise<void> {
      await flush();
      if (failed) return;
      stream.end();
      await once(stream, "finish");
    },
  };
}

const instantOrNull = (value: Date | null) => (value ? value.toISOString() : null);

function stagingValues(row: number, p: ImportedPatient): (string | number | boolean | null)[] {
  const code = (key: "104" | "106" | "103") => p.codes.find((c) => c.code === key);
  return [
    row, p.nhsNumber, p.givenName, p.familyName, p.dateOfBirth,
    p.addressLine1, p.addressLine2, p.addressLine3, p.addressLine4,
    p.postcode, p.email, p.mobile, p.contactIsPrivate, p.deceased, p.onlineAccount,
    code("104")?.recordedOn ?? null, instantOrNull(code("104")?.recordedAt ?? null),
    code("106")?.recordedOn ?? null, instantOrNull(code("106")?.recordedAt ?? null),
    code("103")?.recordedOn ?? null, instantOrNull(code("103")?.recordedAt ?? null),
  ];
}

/** Streams the patient file into import_rows, collecting rejections and warnings. */
async function stagePatientRows(tx: postgres.TransactionSql, input: ImportInput, file: InspectedFile, today: string) {
  const rejected: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const seen: string[] = [];
  let columns: (CanonicalColumn | null)[] | null = null;
  let row = 0;
  let bytesRead = 0;
  const copy = batchedCopy(await openStagingCopy(tx, "import_rows"));
  try {
    for await (const record of readRecords(file, "The patient file", (n) => (bytesRead += n))) {
      row += 1;
      if (columns === null) {
        columns = headerColumns(record, input);
        continue;
      }
      const values: Partial<Record<CanonicalColumn, string>> = {};
      for (let i = 0; i < columns.length; i += 1) {
        const column = columns[i];
        if (column) values[column] = record[i] ?? "";
      }
      const result = validateRow(values, row, today);
      warnings.push(...result.warnings);
      if (result.ok) {
        await copy.write(csvLine(stagingValues(row, result.patient)));
      } else {
        rejected.push(result.rejection);
        const nhs = parseNhsNumber(values.nhs_number ?? "");
        if (nhs.ok) seen.push(nhs.value);
      }
      if (row % 5000 === 0) input.onProgress?.({ rows: row - 1, bytesRead, totalBytes: file.size });
    }
  } finally {
    await copy.finish();
  }
  if (columns === null) throw new ImportRefused("The patient file has no header row.");
  if (row < 2) throw new ImportRefused("The patient file has a header row but no patients.");
  input.onProgress?.({ rows: row - 1, bytesRead, totalBytes: file.size });
  return { rejected, warnings, seen };
}

function headerColumns(header: string[], input: ImportInput): (CanonicalColumn | null)[] {
  if (header.length === 1 && header[0]!.includes(";")) {
    throw new ImportRefused("The patient file uses semicolons between values: export it again as comma-separated CSV.");
  }
  const resolved = resolveColumns(header, input.columnMap ? "mapped" : input.format, input.columnMap);
  if (!resolved.ok) throw new ImportRefused(resolved.error);
  return resolved.columns;
}

/** Streams a long-format codes file into import_codes; returns how many entries it ignored. */
async function stageCodesFile(tx: postgres.TransactionSql, file: InspectedFile, today: string, rejected: ImportIssue[]): Promise<number> {
  let header: string[] | null = null;
  let row = 0;
  let ignored = 0;
  const copy = batchedCopy(await openStagingCopy(tx, "import_codes"));
  try {
    for await (const record of readRecords(file, "The codes file")) {
      row += 1;
      if (header === null) {
        header = record.map((h) => h.trim().toLowerCase());
        for (const needed of ["nhs_number", "code", "recorded_at"]) {
          if (!header.includes(needed)) throw new ImportRefused(`The codes file has no "${needed}" column.`);
        }
        continue;
      }
      const cell = (name: string) => record[header!.indexOf(name)] ?? "";
      const result = parseCodesRow({ nhs_number: cell("nhs_number"), code: cell("code"), recorded_at: cell("recorded_at") }, row, today);
      if (result.ok) {
        await copy.write(csvLine([result.nhsNumber, result.code, result.recordedOn, instantOrNull(result.recordedAt)]));
      } else if (result.kind === "other-code") {
        ignored += 1;
      } else {
        rejected.push({ ...result.rejection, field: `codes file: ${result.rejection.field}` });
      }
    }
  } finally {
    await copy.finish();
  }
  return ignored;
}
