import { describe, expect, it } from "vitest";
import { nextDay, startOfUkDay, ukLocalDay } from "../../../app/domain/calendar";

describe("startOfUkDay", () => {
  it.each([
    ["2026-01-15", "2026-01-15T00:00:00.000Z"], // GMT
    ["2026-07-15", "2026-07-14T23:00:00.000Z"], // BST
    ["2026-03-29", "2026-03-29T00:00:00.000Z"], // clocks go forward at 01:00 GMT
    ["2026-10-25", "2026-10-24T23:00:00.000Z"], // clocks go back at 02:00 BST
  ])("%s begins at %s", (day, instant) => {
    expect(startOfUkDay(day).toISOString()).toBe(instant);
    expect(ukLocalDay(startOfUkDay(day))).toBe(day);
    expect(ukLocalDay(new Date(startOfUkDay(day).getTime() - 1))).not.toBe(day);
  });

  it("steps to the next day across month and year ends", () => {
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
  });
});
