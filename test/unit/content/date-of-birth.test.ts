import { describe, expect, it } from "vitest";
import { dateOfBirthWithAge } from "../../../app/content/date-of-birth";

describe("dateOfBirthWithAge", () => {
  it.each([
    ["a child", "2019-03-03", "2026-11-21", "3 March 2019 (age 7)"],
    ["the day before a 16th birthday", "2010-11-22", "2026-11-21", "22 November 2010 (age 15)"],
    ["a 16th birthday", "2010-11-21", "2026-11-21", "21 November 2010 (age 16)"],
    ["a baby", "2026-06-01", "2026-11-21", "1 June 2026 (age 0)"],
    ["a leapling on 28 February of a common year", "2008-02-29", "2025-02-28", "29 February 2008 (age 16)"],
    ["a leapling on 1 March of a common year", "2008-02-29", "2025-03-01", "29 February 2008 (age 17)"],
  ])("writes %s", (_why, dateOfBirth, today, written) => {
    expect(dateOfBirthWithAge(dateOfBirth, today)).toBe(written);
  });
});
