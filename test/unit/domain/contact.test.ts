import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_EMAIL_LENGTH, parseEmail, parseUkMobile } from "../../../app/domain/contact";

describe("parseEmail", () => {
  it.each([
    ["a plain address", "p2@example.org", "p2@example.org"],
    ["surrounding space", "  p2@example.org \n", "p2@example.org"],
    ["domain case folded, local part kept", "Ann.OBrien@Example.NHS.UK", "Ann.OBrien@example.nhs.uk"],
    ["plus addressing", "ann+portal@example.org", "ann+portal@example.org"],
    ["an apostrophe", "o'brien@example.org", "o'brien@example.org"],
  ])("accepts %s", (_why, input, value) => {
    expect(parseEmail(input)).toEqual({ ok: true, value });
  });

  it.each([
    ["no @", "nope"],
    ["empty", ""],
    ["only space", "   "],
    ["no local part", "@example.org"],
    ["no domain", "ann@"],
    ["no dot in the domain", "ann@localhost"],
    ["two @", "ann@home@example.org"],
    ["space inside", "ann obrien@example.org"],
    ["space in the domain", "ann@example .org"],
    ["domain starts with a dot", "ann@.example.org"],
    ["domain ends with a dot", "ann@example.org."],
    ["empty domain label", "ann@example..org"],
  ])("refuses %s (%j)", (_why, input) => {
    expect(parseEmail(input)).toEqual({ ok: false });
  });

  it("accepts 254 characters and refuses 255", () => {
    const domain = "@example.org";
    const atLimit = "a".repeat(MAX_EMAIL_LENGTH - domain.length) + domain;
    expect(MAX_EMAIL_LENGTH).toBe(254);
    expect(parseEmail(atLimit)).toEqual({ ok: true, value: atLimit });
    expect(parseEmail(`a${atLimit}`)).toEqual({ ok: false });
  });

  it("returns values with one @, no whitespace, a lower-case domain, that parse to themselves", () => {
    const emailish = fc.string({ unit: fc.constantFrom(..."aZ9.@ -+"), maxLength: 20 });
    fc.assert(
      fc.property(fc.oneof(emailish, fc.emailAddress(), fc.string()), (input) => {
        const parsed = parseEmail(input);
        if (!parsed.ok) return;
        expect(parsed.value).not.toMatch(/\s/);
        expect(parsed.value.split("@")).toHaveLength(2);
        const domain = parsed.value.split("@")[1]!;
        expect(domain).toBe(domain.toLowerCase());
        expect(domain).toContain(".");
        expect(parseEmail(parsed.value)).toEqual(parsed);
      }),
    );
  });

  it("accepts generated RFC-style addresses", () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        fc.pre(address.length <= MAX_EMAIL_LENGTH && address.split("@")[1]!.includes("."));
        expect(parseEmail(address).ok).toBe(true);
      }),
    );
  });
});

describe("parseUkMobile", () => {
  it.each([
    "07700 900123",
    "07700900123",
    "07700-900-123",
    "(07700) 900123",
    "+44 7700 900123",
    "+447700900123",
    "+44 (0)7700 900123",
    "+44(0)7700-900-123",
    "44 7700 900123",
    "447700900123",
    "  07700 900 123  ",
  ])("accepts %j", (input) => {
    expect(parseUkMobile(input)).toEqual({ ok: true, value: "+447700900123" });
  });

  it.each([
    ["empty", ""],
    ["a landline", "0113 496 0000"],
    ["a London landline in international form", "+44 20 7946 0958"],
    ["one digit short", "07700 90012"],
    ["one digit too many", "07700 9001234"],
    ["letters", "07700 9OO123"],
    ["another country's mobile", "+33 6 12 34 56 78"],
    ["a stray 0 after +44 without brackets", "+4407700900123"],
    ["dots", "07700.900.123"],
  ])("refuses %s (%j)", (_why, input) => {
    expect(parseUkMobile(input)).toEqual({ ok: false });
  });

  it("normalises every written form of the same number to one E.164 value", () => {
    const subscriber = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }).map((d) => d.join(""));
    fc.assert(
      fc.property(subscriber, (rest) => {
        const expected = { ok: true, value: `+447${rest}` };
        for (const written of [`07${rest}`, `+447${rest}`, `447${rest}`, `+44 (0)7${rest}`, `07${rest.slice(0, 3)} ${rest.slice(3)}`]) {
          expect(parseUkMobile(written)).toEqual(expected);
        }
      }),
    );
  });
});
