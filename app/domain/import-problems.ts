// The problems an import finds in a file's rows, held in a fixed amount of memory however many
// rows have them (issue 17: a 200 MB file of bad rows took the process to 4.5 GB). The first
// KEPT_ISSUES are kept whole, each naming its row, field and value; beyond those every row is
// still counted, exactly, by its problem, so a page or report can say "and N more rows with the
// same problem" without holding them.

/** A rejection or warning about one row; `row` counts as a spreadsheet does (the header is row 1). */
export interface ImportIssue {
  row: number;
  field: string;
  /** One sentence for the person fixing the export, quoting the row's own value where it helps. */
  message: string;
  /**
   * The same sentence without the row's value: the same for every row with this problem, so rows
   * are counted by it. Built only from the import's own words, never from the file.
   */
  problem: string;
}

/** How many issues of each sort (rejections, warnings) an import keeps with their rows. */
export const KEPT_ISSUES = 1_000;

/** Every row with one problem in one field, counted. */
export interface ProblemCount {
  field: string;
  problem: string;
  rows: number;
}

export interface IssueSummary {
  /** Every issue, counted. */
  total: number;
  /** The first issues by row (at most the tally's limit), in row order. */
  kept: ImportIssue[];
  /** Each problem and how many rows have it, the most common first. */
  byProblem: ProblemCount[];
}

const problemKey = (issue: Pick<ImportIssue, "field" | "problem">) => `${issue.field}\u0000${issue.problem}`;

/**
 * Keeps the `limit` issues with the lowest rows, and counts every issue by its problem. Issues
 * mostly arrive in row order, so an issue past the limit is usually dropped at a glance; one that
 * arrives late with a lower row (a duplicate NHS number, found once the file is read) takes the
 * place of the highest kept.
 */
export class IssueTally {
  readonly #limit: number;
  readonly #kept: ImportIssue[] = [];
  readonly #counts = new Map<string, ProblemCount>();
  #total = 0;

  constructor(limit: number = KEPT_ISSUES) {
    this.#limit = limit;
  }

  get total(): number {
    return this.#total;
  }

  add(issue: ImportIssue): void {
    this.count(issue, 1);
    const kept = this.#kept;
    if (kept.length === this.#limit) {
      if (this.#limit === 0 || issue.row >= kept[kept.length - 1]!.row) return;
      kept.pop();
    }
    // After the last kept issue of the same row or lower, so issues of one row keep their order.
    let at = kept.length;
    while (at > 0 && kept[at - 1]!.row > issue.row) at -= 1;
    // A copy is kept, not the issue given. Were the first issues of a file kept as they were
    // made, V8 would see the objects made where issues are found living long, and from then on
    // make every issue there in the heap's old space, where each one found (and at once
    // forgotten) would wait for a full collection: a few hundred MB on a file of bad rows.
    kept.splice(at, 0, { row: issue.row, field: issue.field, message: issue.message, problem: issue.problem });
  }

  /** Counts rows with a problem that are not given one by one: they come after the kept ones. */
  count(problem: Pick<ImportIssue, "field" | "problem">, rows: number): void {
    if (rows <= 0) return;
    this.#total += rows;
    const key = problemKey(problem);
    const counted = this.#counts.get(key);
    if (counted) counted.rows += rows;
    else this.#counts.set(key, { field: problem.field, problem: problem.problem, rows });
  }

  summary(): IssueSummary {
    return {
      total: this.#total,
      kept: [...this.#kept],
      byProblem: [...this.#counts.values()].map((c) => ({ ...c })).sort((a, b) => b.rows - a.rows),
    };
  }
}

/** Rows with a problem beyond those shown (a page's first few, or a report's kept ones). */
export interface MoreRows {
  field: string;
  problem: string;
  more: number;
}

/** For each problem, how many of its rows are not among `shown`; problems with none left out are omitted. */
export function rowsNotShown(byProblem: readonly ProblemCount[], shown: readonly Pick<ImportIssue, "field" | "problem">[]): MoreRows[] {
  const shownByProblem = new Map<string, number>();
  for (const issue of shown) shownByProblem.set(problemKey(issue), (shownByProblem.get(problemKey(issue)) ?? 0) + 1);
  return byProblem
    .map((count) => ({ field: count.field, problem: count.problem, more: count.rows - (shownByProblem.get(problemKey(count)) ?? 0) }))
    .filter((row) => row.more > 0);
}
