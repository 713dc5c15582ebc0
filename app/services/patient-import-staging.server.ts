import { once } from "node:events";
import type { Writable } from "node:stream";
import type postgres from "postgres";
import { resolveColumns, type CanonicalColumn } from "../domain/import-columns";
import { IssueTally } from "../domain/import-problems";
import { parseCodesRow, validateRow, type ImportedPatient } from "../domain/import-row";
import { parseNhsNumber } from "../domain/nhs-number";
import { csvLine, openStagingCopy, stageSeenNhsNumbers } from "../models/patient-import.server";
import { ImportRefused, readRecords, type InspectedFile } from "./patient-import-csv.server";
import type { ImportInput } from "./patient-import.server";

// The first half of an import: every row of the file checked, the valid ones streamed with COPY
// into staging tables, the rest tallied (issue 17: in memory that does not grow with the file).

type Tx = postgres.TransactionSql;

/** Lines for a COPY are sent this many bytes at a time. */
const COPY_BATCH_BYTES = 64 * 1024;

/**
 * NHS numbers of rejected rows are sent to PostgreSQL this many at a time, so that a file of
 * nothing but rejected rows never holds more of them than this.
 */
const SEEN_BATCH = 10_000;

/**
 * A COPY into a staging table, its lines gathered into large writes: postgres.js sends every
 * write as a CopyData message and socket write of its own, and waits for each before taking the
 * next, so one write per row would cost a round of the event loop per row. Lines are added as
 * rows are read (synchronously) and sent between chunks of the file; meanwhile they wait as
 * bytes in a buffer, outside the JavaScript heap.
 */
class StagingCopy {
  #pending = Buffer.allocUnsafe(COPY_BATCH_BYTES * 2);
  #length = 0;
  #stream: Writable | null = null;
  // Once the connection is lost the stream must not be touched again: postgres.js would write
  // to a socket it has already let go of, and throw where nobody catches it.
  #failed = false;

  private constructor(
    private readonly tx: Tx,
    private readonly table: "import_rows" | "import_codes",
  ) {}

  static async open(tx: Tx, table: "import_rows" | "import_codes"): Promise<StagingCopy> {
    const copy = new StagingCopy(tx, table);
    await copy.#begin();
    return copy;
  }

  async #begin(): Promise<void> {
    const stream = await openStagingCopy(this.tx, this.table);
    stream.on("error", () => {
      this.#failed = true;
    });
    this.#stream = stream;
  }

  add(line: string): void {
    // A UTF-16 unit is at most three bytes of UTF-8.
    if (this.#length + line.length * 3 > this.#pending.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.#pending.length * 2, this.#length + line.length * 3));
      this.#pending.copy(larger, 0, 0, this.#length);
      this.#pending = larger;
    }
    this.#length += this.#pending.write(line, this.#length);
  }

  /** Sends the lines added so far, once there are enough of them to be worth a write, or `all`. */
  async send(all = false): Promise<void> {
    const stream = this.#stream;
    if (!stream || this.#failed || this.#length === 0 || (!all && this.#length < COPY_BATCH_BYTES)) return;
    // The stream may hold on to what it is given until it is written: the next lines go to a new buffer.
    const bytes = this.#pending.subarray(0, this.#length);
    this.#pending = Buffer.allocUnsafe(COPY_BATCH_BYTES * 2);
    this.#length = 0;
    try {
      if (!stream.write(bytes)) await once(stream, "drain");
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  /** Ends the COPY; after a failure, only lets the stream go (the failure is reported where it happened). */
  async end(): Promise<void> {
    await this.send(true);
    const stream = this.#stream;
    this.#stream = null;
    if (!stream || this.#failed) return;
    stream.end();
    await once(stream, "finish");
  }

  /**
   * Runs `work` that needs the connection, which is busy with the COPY until it ends: ends it,
   * runs the work, and begins another. Lines added meanwhile wait for the new one.
   */
  async pauseFor(work: () => Promise<void>): Promise<void> {
    await this.end();
    await work();
    await this.#begin();
  }
}

/**
 * NHS numbers of rejected rows, waiting to be sent to import_seen a batch at a time. Held as
 * their digits in one buffer made once, not as strings: strings kept for thousands of rows
 * outlive the young generation's collections, and a file of such rows filled the old one.
 */
class WaitingNhsNumbers {
  static readonly #WIDTH = 11; // ten digits and a comma
  // Rows are read a chunk of the file at a time between sends, so a batch can run a little over.
  #digits = Buffer.alloc(SEEN_BATCH * 2 * WaitingNhsNumbers.#WIDTH);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Enough to send. */
  get full(): boolean {
    return this.#count >= SEEN_BATCH;
  }

  /** A valid NHS number: ten digits. */
  add(nhsNumber: string): void {
    const at = this.#count * WaitingNhsNumbers.#WIDTH;
    if (at + WaitingNhsNumbers.#WIDTH > this.#digits.length) {
      const larger = Buffer.alloc(this.#digits.length * 2);
      this.#digits.copy(larger);
      this.#digits = larger;
    }
    this.#digits.write(nhsNumber, at, 10, "latin1");
    this.#digits[at + 10] = 0x2c;
    this.#count += 1;
  }

  /** The numbers waiting, comma-separated. */
  take(): string {
    const taken = this.#digits.toString("latin1", 0, Math.max(0, this.#count * WaitingNhsNumbers.#WIDTH - 1));
    this.#count = 0;
    return taken;
  }
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

function headerColumns(header: string[], input: ImportInput): (CanonicalColumn | null)[] {
  if (header.length === 1 && header[0]!.includes(";")) {
    throw new ImportRefused("The patient file uses semicolons between values: export it again as comma-separated CSV.");
  }
  const resolved = resolveColumns(header, input.columnMap ? "mapped" : input.format, input.columnMap);
  if (!resolved.ok) throw new ImportRefused(resolved.error);
  return resolved.columns;
}

/**
 * Streams the patient file into import_rows, tallying rejections and warnings, and the NHS
 * numbers of rejected rows into import_seen.
 */
export async function stagePatientRows(tx: Tx, input: ImportInput, file: InspectedFile, today: string) {
  const rejected = new IssueTally();
  const warnings = new IssueTally();
  const seen = new WaitingNhsNumbers();
  let columns: (CanonicalColumn | null)[] | null = null;
  let rows = 0;
  let bytesRead = 0;
  const copy = await StagingCopy.open(tx, "import_rows");
  const progress = () => input.onProgress?.({ rows: rows - 1, bytesRead, totalBytes: file.size });
  try {
    await readRecords(
      file,
      "The patient file",
      {
        row(record, row) {
          rows = row;
          if (columns === null) {
            columns = headerColumns(record, input);
            return;
          }
          const values: Partial<Record<CanonicalColumn, string>> = {};
          for (let i = 0; i < columns.length; i += 1) {
            const column = columns[i];
            if (column) values[column] = record[i] ?? "";
          }
          const result = validateRow(values, row, today);
          for (const warning of result.warnings) warnings.add(warning);
          if (result.ok) {
            copy.add(csvLine(stagingValues(row, result.patient)));
          } else {
            rejected.add(result.rejection);
            const nhs = parseNhsNumber(values.nhs_number ?? "");
            if (nhs.ok) seen.add(nhs.value);
          }
          if (row % 5000 === 0) progress();
        },
        async drain(final) {
          if (seen.full || (final && seen.count > 0)) {
            const batch = seen.take();
            await copy.pauseFor(() => stageSeenNhsNumbers(tx, batch));
          }
          await copy.send(final);
        },
      },
      (n) => (bytesRead += n),
    );
  } finally {
    await copy.end();
  }
  if (columns === null) throw new ImportRefused("The patient file has no header row.");
  if (rows < 2) throw new ImportRefused("The patient file has a header row but no patients.");
  progress();
  return { rejected, warnings };
}

/** Streams a long-format codes file into import_codes; returns how many entries it ignored. */
export async function stageCodesFile(tx: Tx, file: InspectedFile, today: string, rejected: IssueTally): Promise<number> {
  let header: string[] | null = null;
  let ignored = 0;
  const copy = await StagingCopy.open(tx, "import_codes");
  try {
    await readRecords(file, "The codes file", {
      row(record, row) {
        if (header === null) {
          header = record.map((h) => h.trim().toLowerCase());
          for (const needed of ["nhs_number", "code", "recorded_at"]) {
            if (!header.includes(needed)) throw new ImportRefused(`The codes file has no "${needed}" column.`);
          }
          return;
        }
        const cell = (name: string) => record[header!.indexOf(name)] ?? "";
        const result = parseCodesRow({ nhs_number: cell("nhs_number"), code: cell("code"), recorded_at: cell("recorded_at") }, row, today);
        if (result.ok) {
          copy.add(csvLine([result.nhsNumber, result.code, result.recordedOn, instantOrNull(result.recordedAt)]));
        } else if (result.kind === "other-code") {
          ignored += 1;
        } else {
          rejected.add({ ...result.rejection, field: `codes file: ${result.rejection.field}` });
        }
      },
      drain: (final) => copy.send(final),
    });
  } finally {
    await copy.end();
  }
  return ignored;
}
