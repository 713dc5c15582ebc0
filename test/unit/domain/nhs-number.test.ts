import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatNhsNumber,
  isValidNhsNumber,
  nhsCheckDigit,
  parseNhsNumber,
} from "../../../app/domain/nhs-number";

// An independent statement of the rule: with the check digit weighted 1 alongside weights
// 10..2, a valid number's weighted sum is a multiple of 11 (a check "digit" of 10 cannot occur).
function referenceIsValid(candidate: string): boolean {
  if (!/^[0-9]{10}$/.test(candidate)) return false;
  const weightedSum = [...candidate].reduce((sum, digit, index) => sum + Number(digit) * (10 - index), 0);
  return weightedSum % 11 === 0;
}

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (length: number) => fc.array(digit, { minLength: length, maxLength: length }).map((d) => d.join(""));
const validNhsNumber = digits(9).chain((firstNine) => {
  const completions = [..."0123456789"].map((check) => firstNine + check).filter(referenceIsValid);
  return completions.length === 1 ? fc.constant(completions[0]!) : fc.constant(null);
}).filter((n): n is string => n !== null);

describe("nhsCheckDigit", () => {
  it.each([
    ["999710190", 1],
    ["943476591", 9],
    ["000000000", 0],
    ["999123456", null],
    ["99971019", null],
    ["9997101900", null],
    ["99971019A", null],
  ])("%s → %s", (firstNine, expected) => {
    expect(nhsCheckDigit(firstNine)).toBe(expected);
  });

  it("agrees with the reference for every nine digits", () => {
    fc.assert(
      fc.property(digits(9), (firstNine) => {
        const completions = [..."0123456789"].filter((check) => referenceIsValid(firstNine + check));
        expect(completions.length).toBeLessThanOrEqual(1);
        expect(nhsCheckDigit(firstNine)).toBe(completions.length === 1 ? Number(completions[0]) : null);
      }),
    );
  });
});

describe("isValidNhsNumber", () => {
  it.each(["9997101901", "9434765919", "0000000000", "9991153004"])("accepts %s", (candidate) => {
    expect(isValidNhsNumber(candidate)).toBe(true);
  });

  it.each([
    ["wrong check digit", "9997101902"],
    ["remainder 10: no valid check digit", "9991234567"],
    ["nine digits", "999710190"],
    ["eleven digits", "99971019011"],
    ["spaced", "999 710 1901"],
    ["non-ASCII digits", "９９９７１０１９０１"],
    ["empty", ""],
  ])("refuses %s (%j)", (_why, candidate) => {
    expect(isValidNhsNumber(candidate)).toBe(false);
  });

  it("accepts exactly the ten-digit strings the modulus-11 rule accepts", () => {
    fc.assert(
      fc.property(digits(10), (candidate) => {
        expect(isValidNhsNumber(candidate)).toBe(referenceIsValid(candidate));
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts every generated valid number and refuses every single-digit corruption of it", () => {
    fc.assert(
      fc.property(validNhsNumber, (valid) => {
        expect(isValidNhsNumber(valid)).toBe(true);
        for (let position = 0; position < 10; position += 1) {
          for (const replacement of "0123456789") {
            if (replacement === valid[position]) continue;
            const corrupted = valid.slice(0, position) + replacement + valid.slice(position + 1);
            expect(isValidNhsNumber(corrupted)).toBe(false);
          }
        }
      }),
    );
  });

  it("refuses anything that is not ten ASCII digits", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 14 }), (candidate) => {
        if (!/^[0-9]{10}$/.test(candidate)) expect(isValidNhsNumber(candidate)).toBe(false);
      }),
    );
  });
});

describe("parseNhsNumber", () => {
  it.each([
    ["bare digits", "9997101901"],
    ["grouped with spaces", "999 710 1901"],
    ["grouped with hyphens", "999-710-1901"],
    ["padded", "  9997101901\t"],
    ["irregular spacing", "99 97 10 19 01"],
  ])("accepts %s (%j)", (_why, input) => {
    expect(parseNhsNumber(input)).toEqual({ ok: true, value: "9997101901" });
  });

  it.each([
    ["", "missing"],
    ["   ", "missing"],
    [" - ", "missing"],
    ["999710190", "format"],
    ["99971019011", "format"],
    ["999710190A", "format"],
    ["999.710.1901", "format"],
    ["+9997101901", "format"],
    ["９９９７１０１９０１", "format"],
    ["9997101902", "check-digit"],
    ["999 123 4567", "check-digit"],
  ])("refuses %j as %s", (input, reason) => {
    expect(parseNhsNumber(input)).toEqual({ ok: false, reason });
  });

  it("round-trips every valid number through its display format", () => {
    fc.assert(
      fc.property(validNhsNumber, (valid) => {
        expect(parseNhsNumber(formatNhsNumber(valid))).toEqual({ ok: true, value: valid });
      }),
    );
  });

  it("only ever returns ten digits that pass the check", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 16 }), digits(10)), (input) => {
        const parsed = parseNhsNumber(input);
        if (parsed.ok) expect(referenceIsValid(parsed.value)).toBe(true);
      }),
    );
  });
});

describe("formatNhsNumber", () => {
  it("groups as 3-3-4", () => {
    expect(formatNhsNumber("9997101901")).toBe("999 710 1901");
  });

  it.each(["999710190", "999 710 1901", "abcdefghij"])("refuses %j", (input) => {
    expect(() => formatNhsNumber(input)).toThrow(RangeError);
  });
});
