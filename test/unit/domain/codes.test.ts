import { describe, expect, it } from "vitest";
import { CODE_KEYS, CODES, codeKeyFromConceptId } from "../../../app/domain/codes";

// SNOMED CT identifiers end in a Verhoeff check digit, so a mistyped concept id is detectable
// without a terminology server.
const VERHOEFF_MULTIPLY = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_PERMUTE = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

function passesVerhoeff(identifier: string): boolean {
  let check = 0;
  [...identifier].reverse().forEach((digit, position) => {
    check = VERHOEFF_MULTIPLY[check]![VERHOEFF_PERMUTE[position % 8]![Number(digit)]!]!;
  });
  return check === 0;
}

describe("CODES", () => {
  it.each([
    ["104", "1364731000000104", "Enhanced review indicated before granting access to own health record"],
    ["106", "1364751000000106", "Enhanced review not indicated before granting access to own health record"],
    ["103", "1290331000000103", "Online access to own health record declined by patient"],
  ] as const)("%s is concept %s with its SNOMED term", (key, conceptId, term) => {
    expect(CODES[key]).toMatchObject({ key, conceptId, term });
    expect(CODES[key].label.length).toBeGreaterThan(0);
  });

  it("names one entry per key, keyed by the concept id's last three digits", () => {
    expect(Object.keys(CODES).sort()).toEqual([...CODE_KEYS].sort());
    for (const key of CODE_KEYS) {
      expect(CODES[key].key).toBe(key);
      expect(CODES[key].conceptId.endsWith(key)).toBe(true);
    }
  });

  it("gives each code a distinct short label", () => {
    const labels = CODE_KEYS.map((key) => CODES[key].label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("uses concept ids whose Verhoeff check digit is right", () => {
    // Well-known international concepts first, proving the checker itself.
    expect(passesVerhoeff("138875005")).toBe(true);
    expect(passesVerhoeff("22298006")).toBe(true);
    expect(passesVerhoeff("1364731000000105")).toBe(false);
    for (const key of CODE_KEYS) expect(passesVerhoeff(CODES[key].conceptId)).toBe(true);
  });
});

describe("codeKeyFromConceptId", () => {
  it.each(CODE_KEYS.map((key) => [CODES[key].conceptId, key]))("maps %s to %s", (conceptId, key) => {
    expect(codeKeyFromConceptId(conceptId)).toBe(key);
  });

  it("tolerates padding around the id", () => {
    expect(codeKeyFromConceptId(" 1290331000000103 ")).toBe("103");
  });

  it.each(["", "104", "1364731000000105", "22298006", "1364731000000104x"])("returns null for %j", (conceptId) => {
    expect(codeKeyFromConceptId(conceptId)).toBeNull();
  });
});
