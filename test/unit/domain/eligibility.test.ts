import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PROGRAMME_MIN_AGE,
  ageOn,
  earliestPlausibleDateOfBirth,
  isDateOfBirthPlausible,
  isEligible,
} from "../../../app/domain/eligibility";

describe("ageOn", () => {
  it.each([
    ["the day before a birthday", "1980-05-17", "2026-05-16", 45],
    ["on the birthday", "1980-05-17", "2026-05-17", 46],
    ["the day after a birthday", "1980-05-17", "2026-05-18", 46],
    ["the day of birth", "2020-01-01", "2020-01-01", 0],
    ["before birth", "2020-01-02", "2020-01-01", -1],
    ["a leapling on 28 Feb of a common year", "2008-02-29", "2025-02-28", 16],
    ["a leapling on 1 Mar of a common year", "2008-02-29", "2025-03-01", 17],
    ["a leapling on 28 Feb of a leap year", "2008-02-29", "2028-02-28", 19],
    ["a leapling on 29 Feb of a leap year", "2008-02-29", "2028-02-29", 20],
    ["born 28 Feb, on 28 Feb", "2008-02-28", "2025-02-28", 17],
    ["born 1 Mar, on 29 Feb", "2008-03-01", "2024-02-29", 15],
    ["born 31 Dec, on 1 Jan", "2000-12-31", "2001-01-01", 0],
  ])("%s: born %s, on %s → %i", (_why, dateOfBirth, asOf, age) => {
    expect(ageOn(dateOfBirth, asOf)).toBe(age);
  });

  it.each([
    ["2023-02-29", "2024-01-01"],
    ["2020-01-01", "2024-13-01"],
  ])("refuses a day that does not exist (%s, %s)", (dateOfBirth, asOf) => {
    expect(() => ageOn(dateOfBirth, asOf)).toThrow(RangeError);
  });

  it("is n on the nth anniversary of any birthday that is not 29 February", () => {
    const birth = fc
      .date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2020-12-31T00:00:00Z"), noInvalidDate: true })
      .map((date) => date.toISOString().slice(0, 10))
      .filter((day) => !day.endsWith("-02-29"));
    fc.assert(
      fc.property(birth, fc.integer({ min: 0, max: 120 }), (dateOfBirth, years) => {
        const anniversary = `${Number(dateOfBirth.slice(0, 4)) + years}${dateOfBirth.slice(4)}`;
        expect(ageOn(dateOfBirth, anniversary)).toBe(years);
      }),
    );
  });
});

describe("isEligible", () => {
  const patient = { dateOfBirth: "2010-03-10", deceased: false, registered: true };

  it("has a programme minimum age of 16", () => {
    expect(PROGRAMME_MIN_AGE).toBe(16);
  });

  it.each([
    ["the day before the 16th birthday", patient, "2026-03-09", false],
    ["on the 16th birthday", patient, "2026-03-10", true],
    ["the day after the 16th birthday", patient, "2026-03-11", true],
    ["an adult", { ...patient, dateOfBirth: "1980-05-17" }, "2026-02-28", true],
    ["deceased", { ...patient, dateOfBirth: "1980-05-17", deceased: true }, "2026-02-28", false],
    ["deregistered", { ...patient, dateOfBirth: "1980-05-17", registered: false }, "2026-02-28", false],
    ["deceased and deregistered", { dateOfBirth: "1980-05-17", deceased: true, registered: false }, "2026-02-28", false],
    ["16 today but deceased", { ...patient, deceased: true }, "2026-03-10", false],
    ["16 today but deregistered", { ...patient, registered: false }, "2026-03-10", false],
    // 2100 is not a leap year, so a leapling's 16th birthday falls in a common year.
    ["a leapling on 28 Feb of the common year they turn 16", { ...patient, dateOfBirth: "2084-02-29" }, "2100-02-28", false],
    ["a leapling on 1 Mar of the common year they turn 16", { ...patient, dateOfBirth: "2084-02-29" }, "2100-03-01", true],
    ["a leapling on their 16th birthday in a leap year", { ...patient, dateOfBirth: "2008-02-29" }, "2024-02-29", true],
    ["a leapling the day before it", { ...patient, dateOfBirth: "2008-02-29" }, "2024-02-28", false],
  ])("%s → %s", (_why, facts, asOf, eligible) => {
    expect(isEligible(facts, asOf)).toBe(eligible);
  });
});

describe("isDateOfBirthPlausible", () => {
  it.each([
    ["today", "2026-02-28", "2026-02-28", true],
    ["tomorrow", "2026-03-01", "2026-02-28", false],
    ["far future", "2099-01-01", "2026-02-28", false],
    ["exactly 130 years ago", "1896-02-28", "2026-02-28", true],
    ["130 years and a day ago", "1896-02-27", "2026-02-28", false],
    ["not a real day", "2023-02-30", "2026-02-28", false],
    ["not ISO", "17/05/1980", "2026-02-28", false],
    ["empty", "", "2026-02-28", false],
    ["130 years before a 29 February: end of that February", "1894-02-28", "2024-02-29", true],
    ["the day before that", "1894-02-27", "2024-02-29", false],
  ])("%s: %j on %s → %s", (_why, dateOfBirth, today, plausible) => {
    expect(isDateOfBirthPlausible(dateOfBirth, today)).toBe(plausible);
  });

  it("moves 29 February back to 28 February in a common year", () => {
    expect(earliestPlausibleDateOfBirth("2024-02-29")).toBe("1894-02-28");
    expect(earliestPlausibleDateOfBirth("2026-02-28")).toBe("1896-02-28");
  });
});
