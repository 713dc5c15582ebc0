import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ACCESS_STATES, effectiveAccessState, type AccessState, type CodedEntry } from "../../../app/domain/access-state";
import { CODE_KEYS } from "../../../app/domain/codes";
import { parseEmail } from "../../../app/domain/contact";
import { isDateOfBirthPlausible, isEligible } from "../../../app/domain/eligibility";
import { parseNhsNumber } from "../../../app/domain/nhs-number";
import { recordedOnDay } from "../../../app/domain/recorded-at";

interface Expected {
  asOf: string;
  ok: Record<string, { state: AccessState; enhancedReview: boolean; eligible: boolean }>;
  rejected: Array<{ row: number; field: string }>;
  warnings: Array<{ row: number; field: string }>;
}

const csvText = readFileSync(new URL("../../fixtures/patients-sample.csv", import.meta.url), "utf8");
const expected = JSON.parse(
  readFileSync(new URL("../../fixtures/patients-sample.expected.json", import.meta.url), "utf8"),
) as Expected;

const [headerLine = "", ...dataLines] = csvText.replace(/^\uFEFF/, "").split(/\r?\n/);
const header = headerLine.split(",");
// Header is row 1, so the first data row is row 2 (as a spreadsheet would number it).
const rows = dataLines
  .map((line, index) => ({ rowNumber: index + 2, line }))
  .filter(({ line }) => line !== "")
  .map(({ rowNumber, line }) => {
    const cells = line.split(",");
    const cell = (name: string): string => {
      const column = header.indexOf(name);
      if (column < 0) throw new Error(`The fixture has no ${name} column`);
      return cells[column] ?? "";
    };
    return { rowNumber, cells, cell };
  });

type Row = (typeof rows)[number];

// The fields the import refuses a row for, judged by the domain validators alone.
function refusedIdentityFields(row: Row): string[] {
  const refused: string[] = [];
  if (!parseNhsNumber(row.cell("nhs_number")).ok) refused.push("nhs_number");
  if (!isDateOfBirthPlausible(row.cell("date_of_birth"), expected.asOf)) refused.push("date_of_birth");
  return refused;
}

function accessHistoryOf(row: Row): CodedEntry[] {
  return CODE_KEYS.flatMap((code) => {
    const day = row.cell(`latest_${code}`);
    return day === "" ? [] : [{ code, recordedAt: recordedOnDay(day) }];
  });
}

const rejectedRows = new Map(expected.rejected.map(({ row, field }) => [row, field]));
const warningRows = new Map(expected.warnings.map(({ row, field }) => [row, field]));

describe("patients-sample fixture", () => {
  it("is read as the file describes: BOM stripped, CRLF lines, one cell per column", () => {
    expect(csvText.startsWith("\uFEFF")).toBe(true);
    expect(csvText).toContain("\r\n");
    expect(header[0]).toBe("nhs_number");
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.cells).toHaveLength(header.length);
  });

  it("refers only to rows that exist and names only known states", () => {
    const rowNumbers = new Set(rows.map((row) => row.rowNumber));
    for (const { row } of [...expected.rejected, ...expected.warnings]) expect(rowNumbers).toContain(row);
    for (const outcome of Object.values(expected.ok)) expect(ACCESS_STATES).toContain(outcome.state);
  });

  it("rejects each rejected row for exactly the field named", () => {
    for (const [rowNumber, field] of rejectedRows) {
      const row = rows.find((candidate) => candidate.rowNumber === rowNumber)!;
      expect({ rowNumber, refused: refusedIdentityFields(row) }).toEqual({ rowNumber, refused: [field] });
      expect(Object.keys(expected.ok)).not.toContain(row.cell("nhs_number"));
    }
  });

  it("refuses no identity field in any row that is not rejected", () => {
    for (const row of rows.filter((candidate) => !rejectedRows.has(candidate.rowNumber))) {
      expect({ rowNumber: row.rowNumber, refused: refusedIdentityFields(row) }).toEqual({
        rowNumber: row.rowNumber,
        refused: [],
      });
    }
  });

  it("warns about exactly the rows whose email is refused, and still imports them", () => {
    for (const [rowNumber, field] of warningRows) {
      expect(field).toBe("email");
      const row = rows.find((candidate) => candidate.rowNumber === rowNumber)!;
      expect(parseEmail(row.cell("email"))).toEqual({ ok: false });
      expect(Object.keys(expected.ok)).toContain(row.cell("nhs_number"));
    }
    const refusedEmailRows = rows
      .filter((row) => !rejectedRows.has(row.rowNumber))
      .filter((row) => row.cell("email") !== "" && !parseEmail(row.cell("email")).ok)
      .map((row) => row.rowNumber);
    expect(refusedEmailRows).toEqual([...warningRows.keys()]);
  });

  it("gives every imported patient the expected state, enhancedReview flag and eligibility", () => {
    const checked = new Set<string>();
    for (const row of rows.filter((candidate) => !rejectedRows.has(candidate.rowNumber))) {
      const nhsNumber = row.cell("nhs_number");
      const want = expected.ok[nhsNumber];
      if (!want) continue;
      const { state, enhancedReview } = effectiveAccessState({ entries: accessHistoryOf(row) });
      const eligible = isEligible(
        { dateOfBirth: row.cell("date_of_birth"), deceased: row.cell("deceased") === "Y", registered: true },
        expected.asOf,
      );
      expect({ nhsNumber, state, enhancedReview, eligible }).toEqual({ nhsNumber, ...want });
      checked.add(nhsNumber);
    }
    expect(checked.size).toBe(Object.keys(expected.ok).length);
    expect([...checked].sort()).toEqual(Object.keys(expected.ok).sort());
  });

  it("has a deceased column holding only Y or N", () => {
    for (const row of rows) expect(["Y", "N"]).toContain(row.cell("deceased"));
  });
});
