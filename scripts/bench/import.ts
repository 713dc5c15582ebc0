import { ukWallClock } from "../../app/domain/calendar";
import { randomInt } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";
import { createConnection, getSql } from "../../db/client.server";
import { withPracticeSql } from "../../db/tenancy.server";
import { logLine } from "../../app/cli/output";
import { nhsCheckDigit } from "../../app/domain/nhs-number";
import { syntheticPatients, type SyntheticCode, type SyntheticPatient } from "../../app/domain/synthetic-patients";
import { importPatientList } from "../../app/services/patient-import.server";
import { addPractice } from "../../app/services/practices.server";
import type { Figure } from "./main";
import { BenchmarkFailed } from "./failed";
import { INVALID_FILE_BYTES, measureInvalidPreview, writeInvalidCsv } from "./import-preview";

// Issue 4, point 5: import a generated patient list and compare it with the
// fastest thing PostgreSQL can do with the same bytes, a bare COPY. Then
// (issue 17) preview a 200 MB file of invalid rows in a process of its own.

export const DEFAULT_ROWS = 100_000;

/** The targets of issue 4 ("Done when"). */
export const TARGETS = { rowsPerSecond: 50_000, copyRatio: 3, peakRssMb: 300 } as const;

/** Generated this many at a time, so the whole list is never in memory. */
const CHUNK_ROWS = 2_000;

/** The 999 test range holds about 909,000 valid NHS numbers; every row needs its own. */
export const MAX_ROWS = 900_000;

const HEADER = [
  "nhs_number", "given_name", "family_name", "date_of_birth",
  "address_line_1", "address_line_2", "address_line_3", "address_line_4",
  "postcode", "email", "mobile", "contact_is_private", "deceased", "online_account",
  "latest_104", "latest_106", "latest_103",
] as const;

export interface ImportBenchmarkOptions {
  rows?: number;
  databaseUrl: string;
}


export async function runImportBenchmark(options: ImportBenchmarkOptions): Promise<Figure[]> {
  const rows = options.rows ?? DEFAULT_ROWS;
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    throw new BenchmarkFailed(`--rows must be a whole number from 1 to ${MAX_ROWS.toLocaleString("en-GB")}.`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-import-"));
  const filePath = path.join(dir, "patients.csv");
  try {
    logLine(`Writing ${rows.toLocaleString("en-GB")} synthetic patients to ${filePath}…`);
    await writeSyntheticCsv(filePath, rows);
    const { size } = await stat(filePath);

    const [server] = await getSql()<{ version: string }[]>`select split_part(version(), ' ', 2) as version`;
    // Earlier runs' deleted patients would otherwise bloat the indexes this run inserts into.
    await vacuumPatientTables(options.databaseUrl);
    const practice = await createBenchmarkPractice();
    logLine(`Importing into practice ${practice.odsCode} on PostgreSQL ${server!.version} (${(size / 1_048_576).toFixed(1)} MB)…`);
    const sampler = sampleRss(50);
    const importStarted = performance.now();
    const result = await importPatientList({
      odsCode: practice.odsCode,
      filePath,
      format: "canonical",
      actor: { id: null, role: "cli" },
    }).finally(() => sampler.stop());
    const importSeconds = (performance.now() - importStarted) / 1000;
    if (!result.ok) throw new BenchmarkFailed(`The import failed: ${result.error}`);
    const { outcome } = result;
    if (outcome.inserted !== rows || outcome.rejectedTotal > 0 || outcome.warningsTotal > 0) {
      logLine(
        `Note: expected ${rows} new patients; got ${outcome.inserted} new, ${outcome.rejectedTotal} rejected, ${outcome.warningsTotal} warnings.`,
      );
    }

    let copySeconds: number;
    let floorSeconds: number;
    try {
      logLine("Loading the same file with a bare COPY…");
      copySeconds = await copyIntoBareTable(filePath, rows);
      logLine("Storing the same rows with the two statements no import can do without (then rolled back)…");
      floorSeconds = await storeSetBased(filePath, rows, await createBenchmarkPractice());
    } finally {
      // Left in place, a run's patients would make the next run's indexes
      // bigger and its inserts slower. The practice, the import record and the
      // audit events stay: the audit trail is append-only and refers to them.
      await withPracticeSql(practice.id, async (tx) => {
        await tx`delete from coded_entries where practice_id = ${practice.id}`;
        await tx`delete from patients where practice_id = ${practice.id}`;
      });
      logLine(`Deleted the synthetic patients; practice ${practice.odsCode} and its import record remain.`);
    }

    const sampledPeakMb = sampler.peakBytes / 1_048_576;
    // In kilobytes; the whole process, so the file's generation and the COPY too.
    const processPeakMb = process.resourceUsage().maxRSS / 1024;
    const rowsPerSecond = rows / importSeconds;
    const copyRatio = importSeconds / copySeconds;
    const floorRatio = floorSeconds / copySeconds;

    const invalidPath = path.join(dir, "invalid.csv");
    logLine(`Writing ${(INVALID_FILE_BYTES / 1_048_576).toFixed(0)} MB of invalid rows to ${invalidPath}…`);
    const invalidRows = await writeInvalidCsv(invalidPath, INVALID_FILE_BYTES);
    logLine("Previewing it in a process of its own…");
    const preview = await measureInvalidPreview(invalidPath, invalidRows, (await createBenchmarkPractice()).odsCode, options.databaseUrl);

    return [
      { figure: "import: rows", value: rows.toLocaleString("en-GB"), comparedWith: `${(size / 1_048_576).toFixed(1)} MB file`, ratio: "" },
      { figure: "import: seconds", value: importSeconds.toFixed(2), comparedWith: "", ratio: "" },
      {
        figure: "import: rows/s",
        value: Math.round(rowsPerSecond).toLocaleString("en-GB"),
        comparedWith: `target ≥ ${TARGETS.rowsPerSecond.toLocaleString("en-GB")}`,
        ratio: verdict(rowsPerSecond / TARGETS.rowsPerSecond, rowsPerSecond >= TARGETS.rowsPerSecond),
      },
      {
        figure: "COPY into bare table: seconds",
        value: copySeconds.toFixed(2),
        comparedWith: `${Math.round(rows / copySeconds).toLocaleString("en-GB")} rows/s`,
        ratio: "",
      },
      {
        figure: "import time / COPY time",
        value: `${copyRatio.toFixed(2)}×`,
        comparedWith: `target ≤ ${TARGETS.copyRatio}×`,
        ratio: verdict(copyRatio / TARGETS.copyRatio, copyRatio <= TARGETS.copyRatio),
      },
      {
        figure: "set-based floor: seconds",
        value: floorSeconds.toFixed(2),
        comparedWith: `${Math.round(rows / floorSeconds).toLocaleString("en-GB")} rows/s${rows / floorSeconds < TARGETS.rowsPerSecond ? `, so ≥ ${TARGETS.rowsPerSecond.toLocaleString("en-GB")} is out of reach` : ""}`,
        ratio: "",
      },
      {
        figure: "floor time / COPY time",
        value: `${floorRatio.toFixed(2)}×`,
        comparedWith: floorRatio > TARGETS.copyRatio ? `so ≤ ${TARGETS.copyRatio}× is out of reach` : "",
        ratio: "",
      },
      {
        figure: "import time / floor time",
        value: `${(importSeconds / floorSeconds).toFixed(2)}×`,
        comparedWith: "the import's own work",
        ratio: "",
      },
      {
        figure: "import: peak RSS MB (sampled every 50 ms)",
        value: sampledPeakMb.toFixed(0),
        comparedWith: "",
        ratio: "",
      },
      {
        figure: "process: peak RSS MB (maxRSS)",
        value: processPeakMb.toFixed(0),
        comparedWith: `target < ${TARGETS.peakRssMb}`,
        ratio: verdict(processPeakMb / TARGETS.peakRssMb, processPeakMb < TARGETS.peakRssMb),
      },
      ...preview,
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function verdict(ratio: number, pass: boolean): string {
  return `${ratio.toFixed(2)} ${pass ? "PASS" : "FAIL"}`;
}

/** Streams the list out a chunk at a time; the file never exists as one string. */
export async function writeSyntheticCsv(filePath: string, rows: number): Promise<void> {
  const out = createWriteStream(filePath);
  const finished = once(out, "finish");
  const nhsNumbers = distinctNhsNumbers();
  const put = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  await put(`${HEADER.join(",")}\n`);
  for (let first = 0, chunk = 0; first < rows; first += CHUNK_ROWS, chunk += 1) {
    // A bulk-104 practice: most of the list carries a 104, the heavier case for the import.
    const patients = syntheticPatients({ seed: `bench-import-${chunk}`, count: Math.min(CHUNK_ROWS, rows - first), bulk104: true });
    // Each chunk's seed starts its NHS numbers somewhere random in the test range, so chunks
    // could share some; numbering every row from one sequence keeps them all distinct.
    await put(patients.map((p, i) => csvRow(p, nhsNumbers.next().value!, first + i)).join(""));
  }
  out.end();
  await finished;
}

function* distinctNhsNumbers(): Generator<string> {
  for (let body = 0; body < 1_000_000; body += 1) {
    const firstNine = `999${String(body).padStart(6, "0")}`;
    const check = nhsCheckDigit(firstNine);
    if (check !== null) yield `${firstNine}${check}`;
  }
  throw new BenchmarkFailed("Ran out of test-range NHS numbers.");
}

function csvRow(p: SyntheticPatient, nhsNumber: string, index: number): string {
  const flag = (value: boolean) => (value ? "Y" : "N");
  // Half the mobiles as people type them in the clinical system, half in E.164.
  const mobile = p.mobile && index % 2 === 0 ? `0${p.mobile.slice(3, 7)} ${p.mobile.slice(7)}` : p.mobile;
  return `${[
    nhsNumber, p.givenName, p.familyName, p.dateOfBirth,
    // Some exports put the flat and the street on one line, with a comma.
    p.addressLine2 ? `${p.addressLine2}, ${p.addressLine1}` : p.addressLine1, null, p.addressLine3, p.addressLine4,
    p.postcode, p.email, mobile, flag(p.contactIsPrivate), flag(p.deceased), flag(p.onlineAccount),
    latest(p.codes, "104"), latest(p.codes, "106"), latest(p.codes, "103"),
  ]
    .map(csvField)
    .join(",")}\n`;
}

function csvField(value: string | null): string {
  if (value === null) return "";
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The export's latest_* cell: the day, or the UK wall-clock time when the entry has one. */
function latest(codes: SyntheticCode[], code: SyntheticCode["code"]): string | null {
  const entries = codes.filter((c) => c.code === code).sort((a, b) => a.recordedOn.localeCompare(b.recordedOn));
  const last = entries.at(-1);
  if (!last) return null;
  return last.recordedAt ? ukWallClock(new Date(last.recordedAt)) : last.recordedOn;
}


async function createBenchmarkPractice() {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const odsCode = `B${String(randomInt(100_000)).padStart(5, "0")}`;
    const added = await addPractice({ odsCode, name: `Benchmark ${odsCode} (synthetic patients)`, clinicalSystem: "emis" });
    if (added.ok) return added.practice;
  }
  throw new BenchmarkFailed("Could not find an unused ODS code for the benchmark practice.");
}

async function vacuumPatientTables(databaseUrl: string): Promise<void> {
  const owner = createConnection(databaseUrl, { max: 1 });
  try {
    await owner.sql`vacuum analyze patients, coded_entries`;
  } finally {
    await owner.close();
  }
}

/** A temporary table of the file's columns, all text, with no constraints or indexes. */
async function createBareTable(tx: postgres.TransactionSql, table: string): Promise<void> {
  await tx.unsafe(`create temp table ${table} (${HEADER.map((c) => `${c} text`).join(", ")}) on commit drop`);
}

/** The file's bytes, as they are, into a table made by createBareTable. */
async function copyFileInto(tx: postgres.TransactionSql, table: string, filePath: string): Promise<void> {
  await pipeline(createReadStream(filePath), await tx.unsafe(`copy ${table} from stdin with (format csv, header true)`).writable());
}

/** The ceiling: the same bytes COPYed as text into a table with no constraints or indexes. */
async function copyIntoBareTable(filePath: string, rows: number): Promise<number> {
  const sql = getSql();
  return sql.begin(async (tx) => {
    await createBareTable(tx, "bench_copy");
    const started = performance.now();
    await copyFileInto(tx, "bench_copy", filePath);
    const seconds = (performance.now() - started) / 1000;
    const [counted] = await tx<{ n: number }[]>`select count(*)::int as n from bench_copy`;
    if (counted!.n !== rows) throw new BenchmarkFailed(`COPY loaded ${counted!.n} rows, not ${rows}.`);
    return seconds;
  }) as Promise<number>;
}

/** Rolls back the floor's transaction once it has been timed. */
class FloorMeasured extends Error {
  constructor(readonly seconds: number) {
    super("floor measured");
  }
}

/**
 * The floor: the same rows stored as the import must store them, as patients and their coded
 * entries under the tables' indexes, keys and row-level security, by the two set-based statements
 * that do it straight from a bare COPY. Nothing is checked, staged or compared with a list already
 * there, so no import can be faster; the time it takes above this is the import's own work. Run in
 * a practice of its own with no patients, and rolled back.
 */
async function storeSetBased(filePath: string, rows: number, practice: { id: string }): Promise<number> {
  try {
    await withPracticeSql(practice.id, async (tx) => {
      await createBareTable(tx, "bench_floor");
      const started = performance.now();
      await copyFileInto(tx, "bench_floor", filePath);
      const stored = await tx`
        with stored as (
          insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth,
                                address_line_1, address_line_2, address_line_3, address_line_4,
                                postcode, email, mobile, contact_is_private, deceased, online_account, registration)
          select ${practice.id}, nhs_number, given_name, family_name, date_of_birth::date,
                 address_line_1, address_line_2, address_line_3, address_line_4,
                 postcode, email, mobile, contact_is_private = 'Y', deceased = 'Y', online_account = 'Y', 'registered'
          from bench_floor
          returning id, nhs_number
        )
        insert into coded_entries (practice_id, patient_id, code, recorded_on, recorded_at, source)
        select ${practice.id}, s.id, c.code::access_code, left(c.written, 10)::date,
               case when length(c.written) > 10 then c.written::timestamp at time zone 'Europe/London' end, 'import'
        from bench_floor f
        join stored s using (nhs_number)
        cross join lateral (values ('104', f.latest_104), ('106', f.latest_106), ('103', f.latest_103)) c(code, written)
        where c.written <> ''`;
      const seconds = (performance.now() - started) / 1000;
      const [counted] = await tx<{ n: number }[]>`select count(*)::int as n from patients where practice_id = ${practice.id}`;
      if (counted!.n !== rows) throw new BenchmarkFailed(`The floor stored ${counted!.n} patients, not ${rows}.`);
      if (stored.count === 0) throw new BenchmarkFailed("The floor stored no coded entries.");
      throw new FloorMeasured(seconds);
    });
  } catch (error) {
    if (error instanceof FloorMeasured) return error.seconds;
    throw error;
  }
  throw new BenchmarkFailed("The floor's transaction was not rolled back.");
}

function sampleRss(intervalMs: number): { readonly peakBytes: number; stop(): void } {
  let peakBytes = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peakBytes = Math.max(peakBytes, process.memoryUsage().rss);
  }, intervalMs);
  return {
    get peakBytes() {
      return peakBytes;
    },
    stop() {
      clearInterval(timer);
      peakBytes = Math.max(peakBytes, process.memoryUsage().rss);
    },
  };
}
