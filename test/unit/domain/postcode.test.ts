import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalisePostcode, parsePostcode } from "../../../app/domain/postcode";

describe("normalisePostcode", () => {
  it.each([
    ["ls14ap", "LS1 4AP"],
    ["LS1 4AP", "LS1 4AP"],
    ["  sw1a   1aa ", "SW1A 1AA"],
    ["s w 1 a 1 a a", "SW1A 1AA"],
    ["m1\t1ae", "M1 1AE"],
    ["ec1a\n1bb", "EC1A 1BB"],
    ["gir0aa", "GIR 0AA"],
    ["abc", "ABC"],
    ["ab", "AB"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 12 }), (input) => {
        const once = normalisePostcode(input);
        expect(normalisePostcode(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it("is idempotent on postcode-like input", () => {
    const postcodeish = fc.string({ unit: fc.constantFrom(..."aAbBzZ019 \t"), maxLength: 10 });
    fc.assert(
      fc.property(postcodeish, (input) => {
        const once = normalisePostcode(input);
        expect(normalisePostcode(once)).toBe(once);
      }),
    );
  });
});

describe("parsePostcode", () => {
  it.each([
    ["A9", "m11ae", "M1 1AE"],
    ["A99", "M60 1NW", "M60 1NW"],
    ["AA9", "cr2 6xh", "CR2 6XH"],
    ["AA99", "DN551PT", "DN55 1PT"],
    ["A9A", "w1a 0ax", "W1A 0AX"],
    ["AA9A", "ec1a 1bb", "EC1A 1BB"],
    ["the fixtures' postcode", "LS1 4AP", "LS1 4AP"],
    ["GIR 0AA", "gir 0aa", "GIR 0AA"],
  ])("accepts outward form %s (%j)", (_form, input, value) => {
    expect(parsePostcode(input)).toEqual({ ok: true, value });
  });

  it.each([
    ["empty", ""],
    ["outward code only", "LS1"],
    ["inward code too short", "LS1 4A"],
    ["inward code starts with a letter", "LS1 AAP"],
    ["inward code ends with a digit", "LS1 4A9"],
    ["three-letter area", "LSS1 4AP"],
    ["no district digit", "LS 4AP"],
    ["starts with a digit", "1LS 4AP"],
    ["district too long", "LS123 4AP"],
    ["punctuation", "LS1-4AP"],
    ["non-ASCII letters", "ŁS1 4AP"],
  ])("refuses %s (%j)", (_why, input) => {
    expect(parsePostcode(input)).toEqual({ ok: false });
  });

  const letter = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  const numeral = fc.constantFrom(..."0123456789");
  const outward = fc.oneof(
    fc.tuple(letter, numeral).map((parts) => parts.join("")),
    fc.tuple(letter, numeral, numeral).map((parts) => parts.join("")),
    fc.tuple(letter, letter, numeral).map((parts) => parts.join("")),
    fc.tuple(letter, letter, numeral, numeral).map((parts) => parts.join("")),
    fc.tuple(letter, numeral, letter).map((parts) => parts.join("")),
    fc.tuple(letter, letter, numeral, letter).map((parts) => parts.join("")),
  );
  const inward = fc.tuple(numeral, letter, letter).map((parts) => parts.join(""));

  it("accepts every well-formed postcode however it is cased and spaced", () => {
    fc.assert(
      fc.property(
        outward,
        inward,
        fc.constantFrom("", " ", "  ", "\t"),
        fc.boolean(),
        (out, inw, gap, lowerCase) => {
          const canonical = `${out} ${inw}`;
          const typed = `${out}${gap}${inw}`;
          expect(parsePostcode(lowerCase ? typed.toLowerCase() : typed)).toEqual({ ok: true, value: canonical });
        },
      ),
    );
  });

  it("returns values that are already normalised and parse again", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 10 }), fc.tuple(outward, inward).map((p) => p.join(""))), (input) => {
        const parsed = parsePostcode(input);
        if (parsed.ok) {
          expect(normalisePostcode(parsed.value)).toBe(parsed.value);
          expect(parsePostcode(parsed.value)).toEqual(parsed);
        }
      }),
    );
  });
});
