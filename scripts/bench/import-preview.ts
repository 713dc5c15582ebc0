import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { once } from "node:events";
import { nhsCheckDigit } from "../../app/domain/nhs-number";
import type { Figure } from "./main";
import { figuresFromChild } from "./bench-server";
import { BenchmarkFailed } from "./failed";

// Issue 17, finding 4: a 200 MB file of invalid rows took an import preview to 4.5 GB. This
// previews such a file in a process of its own and prints that process's peak.

/** The size of the file of invalid rows: a little under the 256 MB an upload may be. */
export const INVALID_FILE_BYTES = 200 * 1024 * 1024;
/** The target for a preview, whatever the file. */
export const PREVIEW_PEAK_RSS_MB = 300;

const HEADER = "nhs_number,given_name,family_name,date_of_birth,postcode,email,mobile\n";

/**
 * Rows that are all wrong, in each of the ways that once grew the memory of a preview: an NHS
 * number that is not one (with a postcode, email and mobile that are not either: three warnings
 * more), a good NHS number with a date of birth that is not a date (the number is kept, so the
 * patient is not deregistered), and one NHS number on a third of the rows (all rejected as
 * duplicates once the file is read).
 */
export async function writeInvalidCsv(filePath: string, bytes: number): Promise<number> {
  const out = createWriteStream(filePath);
  const finished = once(out, "finish");
  const put = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  const numbers: string[] = [];
  for (let body = 0; numbers.length < 100_000; body += 1) {
    const firstNine = `999${String(body).padStart(6, "0")}`;
    const check = nhsCheckDigit(firstNine);
    if (check !== null) numbers.push(`${firstNine}${check}`);
  }
  let written = HEADER.length;
  let rows = 0;
  await put(HEADER);
  while (written < bytes) {
    let chunk = "";
    for (let i = 0; i < 1_000; i += 1, rows += 1) {
      if (rows % 3 === 0) chunk += `N${rows},Ann,Lee,1970-01-01,XX1,no-at-sign,123\n`;
      else if (rows % 3 === 1) chunk += `${numbers[rows % numbers.length]},Ann,Lee,31/02/1970,,,\n`;
      else chunk += `${numbers[0]},Ann,Lee,1970-01-01,,,\n`;
    }
    written += chunk.length;
    await put(chunk);
  }
  out.end();
  await finished;
  return rows;
}

interface ChildFigures {
  ok: boolean;
  error?: string;
  rejectedTotal?: number;
  warningsTotal?: number;
  kept?: number;
  seconds: number;
  startRssBytes: number;
  peakRssBytes: number;
}

function previewInChild(filePath: string, odsCode: string, databaseUrl: string): Promise<ChildFigures> {
  return figuresFromChild<ChildFigures>(
    ["scripts/bench/import-preview-child.ts", filePath, odsCode],
    { NODE_ENV: "production", DATABASE_URL: databaseUrl },
    "The preview of invalid rows failed",
  );
}

const mb = (bytes: number) => bytes / 1_048_576;

/** Previews `filePath` (written by writeInvalidCsv) for a practice with no patients. */
export async function measureInvalidPreview(filePath: string, rows: number, odsCode: string, databaseUrl: string): Promise<Figure[]> {
  const { size } = await stat(filePath);
  const child = await previewInChild(filePath, odsCode, databaseUrl);
  if (!child.ok) throw new BenchmarkFailed(`The preview of invalid rows was refused: ${child.error}`);
  const peak = mb(child.peakRssBytes);
  const pass = peak < PREVIEW_PEAK_RSS_MB;
  return [
    {
      figure: "preview of invalid rows: rows",
      value: rows.toLocaleString("en-GB"),
      comparedWith: `${mb(size).toFixed(0)} MB file; ${child.rejectedTotal!.toLocaleString("en-GB")} rejected, ${child.warningsTotal!.toLocaleString("en-GB")} warnings, ${child.kept!.toLocaleString("en-GB")} kept`,
      ratio: "",
    },
    { figure: "preview of invalid rows: seconds", value: child.seconds.toFixed(1), comparedWith: "", ratio: "" },
    {
      figure: "preview of invalid rows: peak RSS MB (maxRSS)",
      value: peak.toFixed(0),
      comparedWith: `target < ${PREVIEW_PEAK_RSS_MB}; ${mb(child.startRssBytes).toFixed(0)} before the preview`,
      ratio: `${(peak / PREVIEW_PEAK_RSS_MB).toFixed(2)} ${pass ? "PASS" : "FAIL"}`,
    },
  ];
}
