import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IssueTally, KEPT_ISSUES, rowsNotShown, type ImportIssue } from "../../../app/domain/import-problems";

const PROBLEMS = [
  { field: "nhs_number", problem: "The NHS number is not 10 digits." },
  { field: "date_of_birth", problem: "The date of birth is not a valid date." },
  { field: "email", problem: "The email address is not valid and was left out." },
] as const;

const issue = (row: number, kind: number): ImportIssue => ({ row, ...PROBLEMS[kind]!, message: `${PROBLEMS[kind]!.problem} (row ${row})` });

describe("IssueTally", () => {
  it("keeps 1,000 issues by default", () => {
    const tally = new IssueTally();
    for (let row = 2; row < 5_002; row += 1) tally.add(issue(row, 0));
    const summary = tally.summary();
    expect(KEPT_ISSUES).toBe(1_000);
    expect(summary.kept).toHaveLength(KEPT_ISSUES);
    expect(summary).toMatchObject({ total: 5_000, byProblem: [{ ...PROBLEMS[0], rows: 5_000 }] });
  });

  it("keeps the lowest rows, in row order, whatever order they come in, and counts every one", () => {
    const issues = fc.array(fc.tuple(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 0, max: 2 })), { maxLength: 120 });
    fc.assert(
      fc.property(issues, fc.integer({ min: 0, max: 30 }), (found, limit) => {
        const tally = new IssueTally(limit);
        for (const [row, kind] of found) tally.add(issue(row, kind));
        const summary = tally.summary();
        // As a stable sort by row would give them: issues of one row in the order they came.
        const expected = found.map(([row, kind]) => issue(row, kind)).sort((a, b) => a.row - b.row);
        expect(summary.kept).toEqual(expected.slice(0, limit));
        expect(summary.total).toBe(found.length);
        for (const [kind, { field, problem }] of PROBLEMS.entries()) {
          const rows = found.filter(([, k]) => k === kind).length;
          expect(summary.byProblem.find((c) => c.problem === problem)).toEqual(rows > 0 ? { field, problem, rows } : undefined);
        }
        expect(summary.byProblem.map((c) => c.rows)).toEqual([...summary.byProblem.map((c) => c.rows)].sort((a, b) => b - a));
      }),
    );
  });

  it("counts rows not given one by one with the rest of their problem", () => {
    const tally = new IssueTally(2);
    tally.add(issue(5, 1));
    tally.count(PROBLEMS[1], 9_998);
    tally.count(PROBLEMS[0], 0);
    expect(tally.summary()).toEqual({ total: 9_999, kept: [issue(5, 1)], byProblem: [{ ...PROBLEMS[1], rows: 9_999 }] });
  });

  it("keeps copies: what it gives back is not changed by changing what it was given", () => {
    const tally = new IssueTally();
    const given = issue(2, 0);
    tally.add(given);
    given.message = "changed";
    expect(tally.summary().kept[0]!.message).toBe(issue(2, 0).message);
  });
});

describe("rowsNotShown", () => {
  it("says, for each problem, how many of its rows are not among those shown", () => {
    const byProblem = [
      { ...PROBLEMS[0], rows: 30 },
      { ...PROBLEMS[1], rows: 2 },
      { ...PROBLEMS[2], rows: 5 },
    ];
    const shown = [issue(2, 0), issue(3, 1), issue(4, 0), issue(5, 1)];
    expect(rowsNotShown(byProblem, shown)).toEqual([
      { ...PROBLEMS[0], more: 28 },
      { ...PROBLEMS[2], more: 5 },
    ]);
  });

  it("tells problems apart by field as well as by sentence", () => {
    const codes = { field: "codes file: nhs_number", problem: PROBLEMS[0].problem };
    expect(rowsNotShown([{ ...PROBLEMS[0], rows: 1 }, { ...codes, rows: 3 }], [issue(2, 0)])).toEqual([{ ...codes, more: 3 }]);
  });
});
