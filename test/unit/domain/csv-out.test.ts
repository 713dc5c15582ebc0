import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, startsLikeFormula, toCsv } from "../../../app/domain/csv-out";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    [null, ""],
    [12, "12"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=1+1", "'=1+1"],
    ["+44 7700 900000", "'+44 7700 900000"],
    ["-5", "'-5"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["\rx", "\"'\rx\""],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ["a=b", "a=b"],
    [-5, "'-5"],
  ])("%j → %s", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe("toCsv", () => {
  it("ends every record with CRLF", () => {
    expect(toCsv(["a", "b"], [["1", "2"], ["3", null]])).toBe("a,b\r\n1,2\r\n3,\r\n");
  });

  it("reads back, by an RFC 4180 parser, as the same cells, none of them a formula", () => {
    const cell = fc.string({ unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "'", "a", "1", " ", "é") });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
        const read = parse(toCsv(["x", "y", "z"], rows), { relax_column_count: false }) as string[][];
        expect(read.slice(1)).toEqual(rows.map((row) => row.map((c) => (startsLikeFormula(c) ? `'${c}` : c))));
        expect(read.flat().some(startsLikeFormula)).toBe(false);
      }),
    );
  });
});
