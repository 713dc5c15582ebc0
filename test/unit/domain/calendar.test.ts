import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDays, daysInMonth, isIsoDay, isLeapYear, ukLocalDay } from "../../../app/domain/calendar";

describe("isIsoDay", () => {
  it.each(["2024-02-29", "2000-02-29", "2023-12-31", "2023-01-01", "1900-02-28", "2023-04-30"])("accepts %s", (day) => {
    expect(isIsoDay(day)).toBe(true);
  });

  it.each([
    ["not a leap year", "2023-02-29"],
    ["century not divisible by 400", "1900-02-29"],
    ["no 30 February", "2023-02-30"],
    ["no 31 April", "2023-04-31"],
    ["month 13", "2023-13-01"],
    ["month 0", "2023-00-10"],
    ["day 0", "2023-01-00"],
    ["day 32", "2023-01-32"],
    ["single-digit month", "2023-1-01"],
    ["no separators", "20230101"],
    ["slashes", "2023/01/01"],
    ["UK order", "01-01-2023"],
    ["leading space", " 2023-01-01"],
    ["time attached", "2023-01-01T00:00"],
    ["non-ASCII digits", "２０２３-01-01"],
    ["empty", ""],
  ])("rejects %s (%j)", (_why, day) => {
    expect(isIsoDay(day)).toBe(false);
  });

  it("accepts exactly the days a Date round-trips", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 2999 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const text = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          const viaDate = new Date(Date.UTC(year, month - 1, day));
          const roundTrips =
            viaDate.getUTCFullYear() === year && viaDate.getUTCMonth() === month - 1 && viaDate.getUTCDate() === day;
          expect(isIsoDay(text)).toBe(roundTrips);
        },
      ),
    );
  });
});

describe("isLeapYear and daysInMonth", () => {
  it.each([
    [2024, true],
    [2023, false],
    [2000, true],
    [1900, false],
    [2100, false],
  ])("%i is a leap year: %s", (year, leap) => {
    expect(isLeapYear(year)).toBe(leap);
    expect(daysInMonth(year, 2)).toBe(leap ? 29 : 28);
  });
});

describe("ukLocalDay", () => {
  it.each([
    ["a BST evening is the next day in the UK", "2024-06-30T23:30:00Z", "2024-07-01"],
    ["just before BST midnight", "2024-06-30T22:59:59Z", "2024-06-30"],
    ["BST midnight exactly", "2024-06-30T23:00:00Z", "2024-07-01"],
    ["a GMT evening stays on its day", "2024-01-15T23:30:00Z", "2024-01-15"],
    ["GMT midnight", "2024-01-16T00:00:00Z", "2024-01-16"],
    ["the last hour before clocks go forward", "2024-03-31T00:59:59Z", "2024-03-31"],
    ["the evening after clocks go forward", "2024-03-31T23:30:00Z", "2024-04-01"],
    ["the evening before clocks go back (still BST)", "2024-10-26T23:30:00Z", "2024-10-27"],
    ["the evening after clocks go back (GMT)", "2024-10-27T23:30:00Z", "2024-10-27"],
    ["New Year's Eve in GMT", "2023-12-31T23:59:59Z", "2023-12-31"],
  ])("%s: %s is %s", (_why, instant, day) => {
    expect(ukLocalDay(new Date(instant))).toBe(day);
  });

  it("is the UTC day or, during BST evenings, the day after", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2060-12-31T23:59:59Z"), noInvalidDate: true }),
        (instant) => {
          const utcDay = instant.toISOString().slice(0, 10);
          const nextUtcDay = new Date(instant.getTime() + 86_400_000).toISOString().slice(0, 10);
          const day = ukLocalDay(instant);
          expect(isIsoDay(day)).toBe(true);
          expect([utcDay, nextUtcDay]).toContain(day);
          if (day === nextUtcDay) expect(instant.getUTCHours()).toBe(23);
        },
      ),
    );
  });

  it("refuses an invalid Date", () => {
    expect(() => ukLocalDay(new Date("not a date"))).toThrow(RangeError);
  });
});

describe("compareDays", () => {
  it.each([
    ["2024-01-01", "2024-01-02", -1],
    ["2024-01-02", "2024-01-01", 1],
    ["2024-01-01", "2024-01-01", 0],
    ["2023-12-31", "2024-01-01", -1],
    ["2024-02-29", "2024-03-01", -1],
  ] as const)("%s vs %s is %i", (a, b, expected) => {
    expect(Math.sign(compareDays(a, b))).toBe(expected);
  });

  it("agrees with the order of the days' UTC midnights", () => {
    const day = fc
      .date({ min: new Date("1800-01-01T00:00:00Z"), max: new Date("2200-12-31T00:00:00Z"), noInvalidDate: true })
      .map((date) => date.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (a, b) => {
        expect(Math.sign(compareDays(a, b))).toBe(Math.sign(Date.parse(a) - Date.parse(b)));
      }),
    );
  });
});
