// NHS numbers: ten digits, the last a modulus-11 check digit over the first nine.

const NINE_DIGITS = /^[0-9]{9}$/;
const TEN_DIGITS = /^[0-9]{10}$/;

/**
 * The check digit for the first nine digits, or null when no valid NHS number starts with them:
 * a remainder giving 10 has no check digit, and neither does anything other than nine digits.
 */
export function nhsCheckDigit(firstNine: string): number | null {
  if (!NINE_DIGITS.test(firstNine)) return null;
  let weightedSum = 0;
  for (let position = 0; position < 9; position += 1) {
    weightedSum += Number(firstNine[position]) * (10 - position);
  }
  const checkDigit = 11 - (weightedSum % 11);
  if (checkDigit === 11) return 0;
  if (checkDigit === 10) return null;
  return checkDigit;
}

export function isValidNhsNumber(digits: string): boolean {
  if (!TEN_DIGITS.test(digits)) return false;
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

export const NHS_NUMBER_PROBLEMS = ["missing", "format", "check-digit"] as const;
export type NhsNumberProblem = (typeof NHS_NUMBER_PROBLEMS)[number];

export type ParsedNhsNumber = { ok: true; value: string } | { ok: false; reason: NhsNumberProblem };

/** Accepts the ways people write the number ("999 123 4567", "999-123-4567"); returns bare digits. */
export function parseNhsNumber(input: string): ParsedNhsNumber {
  const compact = input.trim().replace(/[\s-]/g, "");
  if (compact === "") return { ok: false, reason: "missing" };
  if (!TEN_DIGITS.test(compact)) return { ok: false, reason: "format" };
  if (!isValidNhsNumber(compact)) return { ok: false, reason: "check-digit" };
  return { ok: true, value: compact };
}

/** The 3-3-4 grouping NHS services display, e.g. "999 123 4567". */
export function formatNhsNumber(digits: string): string {
  if (!TEN_DIGITS.test(digits)) throw new RangeError("formatNhsNumber needs exactly ten digits");
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
