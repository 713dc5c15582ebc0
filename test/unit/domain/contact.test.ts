import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatUkPhone, MAX_EMAIL_LENGTH, parseEmail, parseUkMobile, parseUkPhone } from "../../../app/domain/contact";

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

describe("parseUkPhone", () => {
  it.each([
    ["a Leeds landline", "0113 496 0000", "+441134960000"],
    ["a landline in brackets and hyphens", "(0113) 496-0000", "+441134960000"],
    ["a landline run together", "01134960000", "+441134960000"],
    ["a London number", "020 7946 0958", "+442079460958"],
    ["a London number bracketed", "(020) 7946 0958", "+442079460958"],
    ["a five-digit area code", "01632 960001", "+441632960001"],
    ["a five-digit local number", "01387 12345", "+44138712345"],
    ["an 03 number", "0300 123 4567", "+443001234567"],
    ["an 0345 number with hyphens", "0345-600-3030", "+443456003030"],
    ["a mobile", "07700 900123", "+447700900123"],
    ["a mobile in two halves", "07700-900-123", "+447700900123"],
    ["+44 with the trunk 0 in brackets", "+44 (0)113 496 0000", "+441134960000"],
    ["+44 with a space before the bracket", "+44 (0) 20 7946 0958", "+442079460958"],
    ["+44 without the 0", "+44 20 7946 0958", "+442079460958"],
    ["+44 run together", "+441134960000", "+441134960000"],
    ["0044", "0044 113 496 0000", "+441134960000"],
    ["44 without the plus", "44 7700 900123", "+447700900123"],
    ["surrounding space", "  0113 496 0000 \n", "+441134960000"],
  ])("accepts %s (%j)", (_why, input, value) => {
    expect(parseUkPhone(input)).toEqual({ ok: true, value });
  });

  it.each([
    ["empty", ""],
    ["only space", "   "],
    ["too short", "0113 496 000"],
    ["too long", "0113 496 00000"],
    ["a London number one digit short", "020 7946 095"],
    ["a mobile one digit too many", "07700 9001234"],
    ["freephone", "0800 123 4567"],
    ["premium rate", "0906 123 4567"],
    ["a corporate number", "0560 123 4567"],
    ["no leading 0", "113 496 0000"],
    ["letters", "0113 496 OOOO"],
    ["dots", "0113.496.0000"],
    ["an extension", "0113 496 0000 ext 12"],
    ["another country's number", "+33 1 23 45 67 89"],
    ["a stray 0 after +44 without brackets", "+44 0113 496 0000"],
    ["two numbers", "0113 496 0000 / 07700 900123"],
  ])("refuses %s (%j)", (_why, input) => {
    expect(parseUkPhone(input)).toEqual({ ok: false });
  });

  it("accepts every number parseUkMobile accepts, as the same value", () => {
    const subscriber = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }).map((d) => d.join(""));
    fc.assert(
      fc.property(subscriber, fc.constantFrom("07", "+447", "447", "+44 (0)7"), (rest, prefix) => {
        expect(parseUkPhone(`${prefix}${rest}`)).toEqual(parseUkMobile(`${prefix}${rest}`));
      }),
    );
  });

  it("returns E.164 values that parse to themselves, and reads the same however the number is spaced", () => {
    const digit = fc.integer({ min: 0, max: 9 }).map(String);
    const anyInput = fc.string({ unit: fc.constantFrom(..."0123456789 +()-44"), maxLength: 20 });
    fc.assert(
      fc.property(anyInput, fc.array(digit, { minLength: 8, maxLength: 8 }), (input, digits) => {
        const parsed = parseUkPhone(input);
        if (parsed.ok) {
          expect(parsed.value).toMatch(/^\+44[1237][0-9]{8,9}$/);
          expect(parseUkPhone(parsed.value)).toEqual(parsed);
          expect(parseUkPhone(formatUkPhone(parsed.value))).toEqual(parsed);
        }
        const national = `020${digits.join("")}`;
        const spaced = `${national.slice(0, 3)} ${national.slice(3, 7)}-${national.slice(7)}`;
        expect(parseUkPhone(spaced)).toEqual(parseUkPhone(national));
      }),
    );
  });
});

describe("formatUkPhone", () => {
  it.each([
    ["+441134960000", "0113 496 0000"],
    ["+441214960000", "0121 496 0000"],
    ["+442079460958", "020 7946 0958"],
    ["+441632960001", "01632 960001"],
    ["+44138712345", "01387 12345"],
    ["+443001234567", "0300 123 4567"],
    ["+447700900123", "07700 900123"],
    ["not a number", "not a number"],
    ["+33123456789", "+33123456789"],
  ])("writes %j as %j", (e164, written) => {
    expect(formatUkPhone(e164)).toBe(written);
  });
});
