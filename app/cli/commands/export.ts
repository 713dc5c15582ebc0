import { parseArgs } from "node:util";
import { EXPORT_KINDS, exportForPracticeCode, type ExportKind } from "../../services/exports.server";
import { CliError } from "../cli-error";

export const exportUsage = "export remediation|actions --practice CODE";

/** Prints the same CSV the web download gives, for scripts; audited as the CLI. */
export async function exportCommand(args: string[]): Promise<void> {
  const [kind, ...rest] = args;
  if (!kind || !(EXPORT_KINDS as readonly string[]).includes(kind)) {
    throw new CliError(`export needs remediation or actions. Usage:\n  ${exportUsage}`);
  }
  const { values } = parseArgs({ args: rest, options: { practice: { type: "string" } }, strict: true });
  if (!values.practice) throw new CliError("export needs --practice.");
  const odsCode = values.practice.toUpperCase();
  const result = await exportForPracticeCode(odsCode, kind as ExportKind, new Date());
  if (!result) throw new CliError(`There is no practice with ODS code ${odsCode}.`);
  process.stdout.write(result.csv);
}
