import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import PDFDocument from "pdfkit";
import { withPractice } from "../../db/tenancy.server";
import { logLine } from "../../app/cli/output";
import { ukLocalDay } from "../../app/domain/calendar";
import { ageOn, PROGRAMME_MIN_AGE } from "../../app/domain/eligibility";
import { syntheticPatients } from "../../app/domain/synthetic-patients";
import { upsertPatients } from "../../app/models/patients.server";
import { prepareRegistrationLetters } from "../../app/services/letters.server";
import { createBenchmarkPractice } from "./campaign";
import { figuresFromChild } from "./bench-server";
import type { Figure } from "./main";

// Issue 8, point 5: a 1,000-letter registration batch through the service
// (checked, recorded, audited, then written), beside bare pdfkit writing a
// page of plain text per letter; and the peak memory of writing 1,000 and
// 10,000 letters, each in a process of its own, to show it does not grow
// with the batch.

const LETTERS = 1_000;
const LARGE_BATCH = 10_000;
const TARGET_PAGES_PER_SECOND = 100;

export async function runLettersBenchmark(): Promise<Figure[]> {
  const practice = await createBenchmarkPractice();
  logLine(`Adding ${LETTERS.toLocaleString("en-GB")} patients to ${practice.odsCode}…`);
  // Registration letters go only to patients of 16 and over: enough synthetic patients to find that many.
  const today = ukLocalDay(new Date());
  const list = syntheticPatients({ seed: `bench-letters-${practice.id}`, count: Math.ceil(LETTERS * 1.5) })
    .filter((p) => ageOn(p.dateOfBirth, today) >= PROGRAMME_MIN_AGE)
    .slice(0, LETTERS);
  await withPractice(practice.id, (tx) =>
    upsertPatients(
      tx,
      list.map(({ codes: _codes, ...p }) => ({ ...p, practiceId: practice.id, deceased: false, registration: "registered" as const })),
    ),
  );
  const dir = await mkdtemp(path.join(tmpdir(), "letters-bench-"));
  try {
    logLine(`Producing ${LETTERS.toLocaleString("en-GB")} registration letters…`);
    const rows = list.map((p, i) => ({ row: i + 2, nhsNumber: p.nhsNumber, accountId: String(1_000_000_000 + i), linkageKey: `K${i}-BENCH` }));
    let started = performance.now();
    const prepared = await prepareRegistrationLetters({ practiceId: practice.id, staffId: null, role: "cli" }, rows, { largePrint: false });
    if (!prepared.ok) throw new Error(`The benchmark batch was refused: ${prepared.problems[0]?.message}`);
    const recordSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const { pages } = await prepared.letters.write(createWriteStream(path.join(dir, "letters.pdf")));
    const writeSeconds = (performance.now() - started) / 1000;
    const pagesPerSecond = pages / writeSeconds;

    logLine("Writing the same number of pages with bare pdfkit…");
    const barePerSecond = await barePdfkit(path.join(dir, "bare.pdf"), LETTERS);

    logLine(`Measuring peak memory for ${LETTERS.toLocaleString("en-GB")} and ${LARGE_BATCH.toLocaleString("en-GB")} letters, each in a process of its own…`);
    const small = await writeInChild(LETTERS);
    const large = await writeInChild(LARGE_BATCH);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    return [
      {
        figure: `letters: ${LETTERS.toLocaleString("en-GB")} registration letters written`,
        value: `${pagesPerSecond.toFixed(0)} pages/s`,
        comparedWith: `target ${TARGET_PAGES_PER_SECOND} pages/s`,
        ratio: `${(pagesPerSecond / TARGET_PAGES_PER_SECOND).toFixed(1)}×`,
      },
      {
        figure: "letters: the same, against bare pdfkit",
        value: `${pagesPerSecond.toFixed(0)} pages/s`,
        comparedWith: `bare pdfkit ${barePerSecond.toFixed(0)} pages/s`,
        ratio: `${(pagesPerSecond / barePerSecond).toFixed(2)}×`,
      },
      {
        figure: `letters: batch checked, recorded and audited`,
        value: `${recordSeconds.toFixed(2)} s`,
        comparedWith: `writing it: ${writeSeconds.toFixed(2)} s`,
        ratio: `${(recordSeconds / writeSeconds).toFixed(2)}×`,
      },
      {
        figure: `letters: peak RSS, ${LARGE_BATCH.toLocaleString("en-GB")} letters`,
        value: mb(large.peakRssBytes),
        comparedWith: `${LETTERS.toLocaleString("en-GB")} letters: ${mb(small.peakRssBytes)}`,
        ratio: `${(large.peakRssBytes / small.peakRssBytes).toFixed(2)}×`,
      },
      {
        figure: `letters: heap held after ${LARGE_BATCH.toLocaleString("en-GB")} letters`,
        value: mb(large.heapAfterBytes),
        comparedWith: `${LETTERS.toLocaleString("en-GB")} letters: ${mb(small.heapAfterBytes)}`,
        ratio: `${(large.heapAfterBytes / small.heapAfterBytes).toFixed(2)}×`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The simplest way to print N pages: the PDF's own font, one block of text per page. */
async function barePdfkit(file: string, pages: number): Promise<number> {
  const started = performance.now();
  const doc = new PDFDocument({ autoFirstPage: false, size: "A4" });
  const done = new Promise<void>((resolve) => doc.pipe(createWriteStream(file)).on("finish", () => resolve()));
  const text = "Here are the details you need to register for the NHS App without photo ID. ".repeat(20);
  for (let i = 0; i < pages; i++) {
    doc.addPage();
    doc.fontSize(11).text(`Patient${i} Example${i}\n${i} Long Street\nLeeds\nLS1 1AA`, 72, 150);
    doc.text(text, 57, 280, { width: 480 });
  }
  doc.end();
  await done;
  return pages / ((performance.now() - started) / 1000);
}

interface ChildFigures {
  pages: number;
  seconds: number;
  peakRssBytes: number;
  heapAfterBytes: number;
}

function writeInChild(count: number): Promise<ChildFigures> {
  return figuresFromChild<ChildFigures>(
    ["scripts/bench/letters-memory.ts", String(count)],
    { NODE_ENV: "production", NODE_OPTIONS: "--expose-gc" },
    `The memory benchmark for ${count} letters failed`,
  );
}
