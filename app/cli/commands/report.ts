import { parseArgs } from "node:util";
import { reportCsv, reportDocument, reportForPracticeCode, type ReportPeriodProblem } from "../../services/reports.server";
import { CliError } from "../cli-error";
import { printJson, printLine } from "../output";

export const reportUsage = "report --practice CODE --month YYYY-MM [--as-of YYYY-MM-DD] [--json|--csv]";

const PROBLEMS: Record<ReportPeriodProblem | "practice", (v: { practice: string; month: string; asOf?: string }) => string> = {
  practice: (v) => `There is no practice with ODS code ${v.practice}.`,
  month: (v) => `--month must be a month written YYYY-MM, not "${v.month}".`,
  future: (v) => `${v.month} has not begun yet: choose this month or an earlier one.`,
  "as-of": (v) => `--as-of must be a real date written YYYY-MM-DD within ${v.month}, and not after today, not "${v.asOf}".`,
};

const percent = (share: number | null) => (share === null ? "none" : `${(share * 100).toFixed(1)}%`);

/** The practice's monthly report for the ICB (README "Reports" defines each figure). */
export async function reportCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { practice: { type: "string" }, month: { type: "string" }, "as-of": { type: "string" }, json: { type: "boolean" }, csv: { type: "boolean" } },
    strict: true,
  });
  if (!values.practice || !values.month) throw new CliError(`report needs --practice and --month. Usage: ${reportUsage}`);
  if (values.json && values.csv) throw new CliError("Choose --json or --csv, not both.");
  const practice = values.practice.toUpperCase();
  const result = await reportForPracticeCode(practice, values.month, values["as-of"]);
  if (!result.ok) throw new CliError(PROBLEMS[result.problem]({ practice, month: values.month, asOf: values["as-of"] }));
  const { report } = result;
  if (values.json) return printJson(reportDocument(report));
  if (values.csv) return void process.stdout.write(reportCsv(report));
  printLine(`${report.practice.name} (${report.practice.odsCode}), ${report.month}, patients as of ${report.asOf}`);
  printLine(`  eligible patients            ${report.eligible}`);
  for (const [state, n] of Object.entries(report.byState)) printLine(`    ${state.padEnd(26)} ${n}`);
  printLine(`  active 104 share             ${percent(report.enhancedReviewShare)} (${report.enhancedReviewAlarm})`);
  if (report.bulkApplied.suspected) printLine(`  104s look bulk-applied: ${report.bulkApplied.count} recorded on ${report.bulkApplied.day}`);
  printLine(`  online accounts with prospective access ${percent(report.prospectiveAccessShare)} (target ${percent(report.prospectiveAccessTarget)})`);
  for (const [kind, f] of Object.entries(report.requests)) printLine(`  ${kind.padEnd(18)} received ${f.received}, decided ${f.decided}, done ${f.done}`);
  printLine(`  open requests ${report.queue.open}, past target ${report.queue.pastTarget}`);
}
