import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLetterWriter } from "../../app/letters/letter-pdf.server";

// Run by `npm run bench -- letters` in a process of its own, once per batch
// size, so each peak is its own: writes N registration letters (synthetic
// patients, distinct names and keys, as a real batch has) to a file and
// prints {"pages", "seconds", "peakRssBytes", "heapAfterBytes"} on stdout:
// heapAfterBytes is what the writer still holds, after a full collection,
// just before it finishes the file (run with --expose-gc).

const count = Number(process.argv[2]);
const file = path.join(tmpdir(), `letters-bench-${process.pid}.pdf`);
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
const started = performance.now();
const writer = createLetterWriter(createWriteStream(file), {
  sender: { name: "Benchmark Surgery", addressLines: ["1 River Road", "Leeds"], postcode: "LS1 4AP", phone: "0113 496 0000", email: null, odsCode: "B00001" },
  total: count,
  title: "Benchmark letters",
});
let heapAfterBytes = 0;
for (let i = 0; i < count; i++) {
  await writer.registration({
    recipient: { addressLines: [`Patient${i} Example${i}`, `${i} Long Street`, "Leeds", "LS1 1AA"], salutationName: `Patient${i} Example${i}`, largePrint: false },
    issuedOn: "21 November 2026",
    expiresOn: "5 December 2026",
    accountId: String(1_000_000_000 + i),
    linkageKey: `K${i.toString(36).toUpperCase()}-${(i * 7919).toString(36).toUpperCase()}`,
    keyName: "Linkage Key",
  });
  if (i === count - 1) {
    (globalThis as { gc?: () => void }).gc?.();
    heapAfterBytes = process.memoryUsage().heapUsed;
  }
}
await writer.end();
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await rm(file, { force: true });
process.stdout.write(`${JSON.stringify({ pages: writer.pages, seconds, peakRssBytes: peak, heapAfterBytes })}\n`);
