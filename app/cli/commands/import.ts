import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { importProblemsContent } from "../../content/import-problems";
import { IMPORT_FORMATS } from "../../domain/import-columns";
import { rowsNotShown } from "../../domain/import-problems";
import { importPatientList, type ImportFileFormat } from "../../services/patient-import.server";
import { CliError } from "../cli-error";
import { logLine, printJson, printLine } from "../output";

export const importUsage =
  "import --practice CODE [--format canonical|emis|systmone] [--map FILE] [--codes FILE] [--dry-run] [--allow-shrink] [--json] FILE";

/** Rejections and warnings printed one by one; --json gives more, and counts of the rest. */
const SHOWN_ISSUES = 20;

export async function importCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      practice: { type: "string" },
      format: { type: "string", default: "canonical" },
      map: { type: "string" },
      codes: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "allow-shrink": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.practice || positionals.length !== 1) throw new CliError(`Usage: ${importUsage}`);
  if (!(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
    throw new CliError(`--format must be canonical, emis or systmone, not "${values.format}".`);
  }
  const columnMap = values.map ? await readColumnMap(values.map) : undefined;

  const result = await importPatientList({
    odsCode: values.practice.toUpperCase(),
    filePath: positionals[0]!,
    format: values.format as ImportFileFormat,
    columnMap,
    codesFilePath: values.codes,
    dryRun: values["dry-run"],
    allowShrink: values["allow-shrink"],
    actor: { id: null, role: "cli" },
    // Progress only for someone watching: scripts get the result and, on failure, one sentence.
    onProgress: process.stderr.isTTY && !values.json ? ({ rows }) => logLine(`${rows.toLocaleString("en-GB")} rows read…`) : undefined,
  });
  if (!result.ok) {
    throw new CliError(result.reason === "shrink" ? `${result.error} To import it anyway, add --allow-shrink.` : result.error);
  }
  const { outcome } = result;
  if (values.json) {
    printJson({
      inserted: outcome.inserted,
      updated: outcome.updated,
      unchanged: outcome.unchanged,
      deregistered: outcome.deregistered,
      // The first rejections and warnings, each on its row; the totals and counts by problem cover the rest.
      rejected: outcome.rejected,
      rejectedTotal: outcome.rejectedTotal,
      rejectedByProblem: outcome.rejectedByProblem,
      warnings: outcome.warnings,
      warningsTotal: outcome.warningsTotal,
      warningsByProblem: outcome.warningsByProblem,
      ignoredCodes: outcome.ignoredCodes,
      dryRun: !outcome.committed,
    });
    return;
  }
  printLine(
    `${outcome.committed ? "Imported" : "Dry run, nothing changed"}: ${outcome.inserted} new, ${outcome.updated} updated, ${outcome.unchanged} unchanged, ${outcome.deregistered} no longer registered.`,
  );
  printLine(`${outcome.rejectedTotal} rows rejected, ${outcome.warningsTotal} warnings.`);
  const shown = [...outcome.rejected, ...outcome.warnings].slice(0, SHOWN_ISSUES);
  for (const issue of shown) printLine(`  row ${issue.row}, ${issue.field}: ${issue.message}`);
  for (const { field, problem, more } of rowsNotShown([...outcome.rejectedByProblem, ...outcome.warningsByProblem], shown)) {
    printLine(`  ${importProblemsContent.moreRows(more, problem, field)}`);
  }
}

async function readColumnMap(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, "utf8").catch(() => {
    throw new CliError(`The column map ${file} could not be read.`);
  });
  let map: unknown;
  try {
    map = JSON.parse(text);
  } catch {
    throw new CliError(`The column map ${file} is not valid JSON.`);
  }
  if (!map || typeof map !== "object" || Array.isArray(map) || !Object.values(map).every((v) => typeof v === "string")) {
    throw new CliError(`The column map ${file} must be a JSON object of export header to column name, like {"Surname": "family_name"}.`);
  }
  return map as Record<string, string>;
}
