import { KEPT_ISSUES } from "../domain/import-problems";

// The sentences that stand for rows an import counted but did not list one by one (issue 17):
// on the import page, in its report and from the command line.

const n = (count: number) => count.toLocaleString("en-GB");

export const importProblemsContent = {
  /** After the rows listed: the rest of the rows with one problem. */
  moreRows: (more: number, problem: string, field: string) =>
    `and ${n(more)} more ${more === 1 ? "row" : "rows"} with the same problem (${field}): ${problem}`,
  /** The report link when there were more rejections or warnings than it lists one by one. */
  cutReport: `Download the report of the first ${n(KEPT_ISSUES)} rejected rows and ${n(KEPT_ISSUES)} warnings, with counts of the rest (CSV)`,
};
