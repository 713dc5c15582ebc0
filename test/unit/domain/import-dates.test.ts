import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIsoDay, ukLocalDay } from "../../../app/domain/calendar";
import { parseDay, parseRecordedAt, ukLocalToInstant } from "../../../app/domain/import-dates";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

describe("parseDay", () => {
  it.each([
    ["2023-10-05", "2023-10-05"],
    ["05/10/2023", "2023-10-05"],
    ["5/10/2023", "2023-10-05"],
    ["05/1/2023", "2023-01-05"],
    ["5/1/2023", "2023-01-05"],
    ["05-Oct-2023", "2023-10-05"],
    ["5-oct-2023", "2023-10-05"],
    ["05-OCT-2023", "2023-10-05"],
    ["31-dEc-1999", "1999-12-31"],
    ["  2023-10-05\t", "2023-10-05"],
    [" 05/10/2023 ", "2023-10-05"],
    ["29/02/2024", "2024-02-29"],
    ["2000-02-29", "2000-02-29"],
    ["29-Feb-2024", "2024-02-29"],
    ["31/12/2023", "2023-12-31"],
    ["01/01/1900", "1900-01-01"],
  ])("%j is %s", (input, day) => {
    expect(parseDay(input)).toBe(day);
  });

  it.each([
    ["31 February", "31/02/2023"],
    ["29 February in a common year", "29/02/2023"],
    ["29 February 1900 (not a leap year)", "1900-02-29"],
    ["29 February, month-name form", "29-Feb-2023"],
    ["31 April", "2023-04-31"],
    ["month 13", "01/13/2023"],
    ["month 0", "2023-00-10"],
    ["day 0", "00/10/2023"],
    ["day 32", "32-Jan-2023"],
    ["empty", ""],
    ["blank", "   "],
    ["US order that is impossible day first", "10/31/2023"],
    ["two-digit year", "05/10/23"],
    ["one-digit ISO month", "2023-1-05"],
    ["three-digit day", "005/10/2023"],
    ["full month name", "05-October-2023"],
    ["unknown month", "05-Okt-2023"],
    ["'Sept' is not a three-letter abbreviation", "05-Sept-2023"],
    ["dots", "05.10.2023"],
    ["spaces", "05 10 2023"],
    ["a time", "2023-10-05 10:00"],
    ["words", "yesterday"],
    ["a number", "45204"],
  ])("refuses %s (%j)", (_why, input) => {
    expect(parseDay(input)).toBeNull();
  });

  it("reads any real day written in each of the three forms as that day", () => {
    const day = fc
      .date({ min: new Date("1000-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })
      .map((date) => ({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }));
    fc.assert(
      fc.property(day, fc.boolean(), fc.constantFrom("lower", "upper", "title"), (parts, padded, monthCase) => {
        const iso = formatIsoDay(parts);
        const pad = (value: number): string => (padded ? String(value).padStart(2, "0") : String(value));
        const monthName = MONTHS[parts.month - 1] ?? "";
        const cased = monthCase === "lower" ? monthName.toLowerCase() : monthCase === "upper" ? monthName.toUpperCase() : monthName;
        expect(parseDay(iso)).toBe(iso);
        expect(parseDay(`${pad(parts.day)}/${pad(parts.month)}/${parts.year}`)).toBe(iso);
        expect(parseDay(`${pad(parts.day)}-${cased}-${parts.year}`)).toBe(iso);
      }),
      { numRuns: 2000 },
    );
  });

  it("never returns anything but a real ISO day or null", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789/-: abcJanFebOct\t"), maxLength: 14 }), (input) => {
        const day = parseDay(input);
        if (day !== null) expect(parseDay(day)).toBe(day);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("ukLocalToInstant", () => {
  it.each([
    ["winter is GMT", "2024-01-15", 10, 30, 0, "2024-01-15T10:30:00.000Z"],
    ["summer is BST", "2024-07-01", 10, 30, 0, "2024-07-01T09:30:00.000Z"],
    ["a summer midnight belongs to the UK day", "2024-07-01", 0, 15, 0, "2024-06-30T23:15:00.000Z"],
    ["the last second of a summer day", "2024-07-01", 23, 59, 59, "2024-07-01T22:59:59.000Z"],
    ["just before the clocks go forward", "2024-03-31", 0, 59, 59, "2024-03-31T00:59:59.000Z"],
    ["just after the clocks go forward", "2024-03-31", 2, 0, 0, "2024-03-31T01:00:00.000Z"],
    ["in the spring gap: the moment the clocks changed", "2024-03-31", 1, 30, 0, "2024-03-31T01:00:00.000Z"],
    ["at the start of the spring gap", "2024-03-31", 1, 0, 0, "2024-03-31T01:00:00.000Z"],
    ["at the end of the spring gap", "2024-03-31", 1, 59, 59, "2024-03-31T01:00:00.000Z"],
    ["the spring gap in another year", "2026-03-29", 1, 15, 0, "2026-03-29T01:00:00.000Z"],
    ["before the repeated autumn hour", "2024-10-27", 0, 30, 0, "2024-10-26T23:30:00.000Z"],
    ["in the repeated autumn hour: the earlier, BST", "2024-10-27", 1, 30, 0, "2024-10-27T00:30:00.000Z"],
    ["at the start of the repeated hour", "2024-10-27", 1, 0, 0, "2024-10-27T00:00:00.000Z"],
    ["after the repeated autumn hour", "2024-10-27", 2, 0, 0, "2024-10-27T02:00:00.000Z"],
    ["29 February", "2024-02-29", 12, 0, 0, "2024-02-29T12:00:00.000Z"],
    ["the day before the clocks go forward is GMT", "2024-03-30", 23, 0, 0, "2024-03-30T23:00:00.000Z"],
    ["the day after the clocks go back is GMT", "2024-10-28", 0, 0, 0, "2024-10-28T00:00:00.000Z"],
  ])("%s: %s %d:%d:%d", (_why, day, hour, minute, second, expected) => {
    expect(ukLocalToInstant(day, hour, minute, second).toISOString()).toBe(expected);
  });

  it("gives an instant on the UK day it was given, whatever the time", () => {
    const day = fc
      .date({ min: new Date("1980-01-01T00:00:00Z"), max: new Date("2060-12-31T00:00:00Z"), noInvalidDate: true })
      .map((date) => date.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (isoDay, hour, minute) => {
        expect(ukLocalDay(ukLocalToInstant(isoDay, hour, minute, 0))).toBe(isoDay);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps later wall times later or equal, across the clock changes too", () => {
    const minutesOfDay = fc.integer({ min: 0, max: 24 * 60 - 1 });
    fc.assert(
      fc.property(fc.constantFrom("2024-03-31", "2024-10-27", "2024-07-01"), minutesOfDay, minutesOfDay, (day, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const at = (minutes: number): number => ukLocalToInstant(day, Math.floor(minutes / 60), minutes % 60, 0).getTime();
        // The repeated autumn hour is read as its first pass, so 01:xx comes before 02:00 still.
        expect(at(early)).toBeLessThanOrEqual(at(late));
      }),
    );
  });

  it.each([
    ["not a real day", "2023-02-29", 10, 0, 0],
    ["not an ISO day", "29/02/2024", 10, 0, 0],
    ["hour 24", "2024-01-01", 24, 0, 0],
    ["minute 60", "2024-01-01", 10, 60, 0],
    ["second 60", "2024-01-01", 10, 0, 60],
    ["negative", "2024-01-01", -1, 0, 0],
    ["fractional", "2024-01-01", 10.5, 0, 0],
  ])("refuses %s", (_why, day, hour, minute, second) => {
    expect(() => ukLocalToInstant(day, hour, minute, second)).toThrow(RangeError);
  });
});

describe("parseRecordedAt", () => {
  it.each([
    ["2023-10-05", "2023-10-05"],
    ["05/10/2023", "2023-10-05"],
    ["5/10/2023", "2023-10-05"],
    ["05-Oct-2023", "2023-10-05"],
    [" 5-oct-2023 ", "2023-10-05"],
  ])("a date alone (%j) has no instant", (input, day) => {
    expect(parseRecordedAt(input)).toEqual({ day, instant: null });
  });

  it.each([
    ["ISO, space, GMT", "2024-01-15 10:30", "2024-01-15", "2024-01-15T10:30:00.000Z"],
    ["ISO, space, seconds", "2024-01-15 10:30:45", "2024-01-15", "2024-01-15T10:30:45.000Z"],
    ["ISO, T, BST", "2024-07-01T10:30", "2024-07-01", "2024-07-01T09:30:00.000Z"],
    ["ISO, T, seconds, BST", "2024-07-01T00:30:15", "2024-07-01", "2024-06-30T23:30:15.000Z"],
    ["slash, BST", "01/07/2024 10:30", "2024-07-01", "2024-07-01T09:30:00.000Z"],
    ["slash, one-digit day and hour", "1/7/2024 9:05:00", "2024-07-01", "2024-07-01T08:05:00.000Z"],
    ["month name with a time", "01-Jul-2024 10:30", "2024-07-01", "2024-07-01T09:30:00.000Z"],
    ["padding and a double space", "  2024-01-15   10:30  ", "2024-01-15", "2024-01-15T10:30:00.000Z"],
    ["midnight", "2024-01-15 00:00", "2024-01-15", "2024-01-15T00:00:00.000Z"],
    ["the last second of a day", "2024-01-15 23:59:59", "2024-01-15", "2024-01-15T23:59:59.000Z"],
    ["repeated autumn hour: the BST pass", "27/10/2024 01:30", "2024-10-27", "2024-10-27T00:30:00.000Z"],
    ["spring gap: the following valid instant", "2024-03-31 01:30", "2024-03-31", "2024-03-31T01:00:00.000Z"],
    ["29 February", "29/02/2024 23:30", "2024-02-29", "2024-02-29T23:30:00.000Z"],
  ])("%s: %j", (_why, input, day, instant) => {
    const parsed = parseRecordedAt(input);
    expect(parsed?.day).toBe(day);
    expect(parsed?.instant?.toISOString()).toBe(instant);
  });

  it.each([
    ["hour 24", "2024-01-15 24:00"],
    ["hour 25", "2024-01-15T25:00"],
    ["minute 60", "2024-01-15 10:60"],
    ["second 60", "2024-01-15 10:30:60"],
    ["one-digit minute", "2024-01-15 10:5"],
    ["hour only", "2024-01-15 10"],
    ["impossible date with a time", "31/02/2023 10:00"],
    ["29 February in a common year", "2023-02-29T10:00"],
    ["T after a slash date", "05/10/2023T10:00"],
    ["UTC marker", "2024-01-15T10:30:00Z"],
    ["offset", "2024-01-15T10:30:00+01:00"],
    ["fractions of a second", "2024-01-15 10:30:00.123"],
    ["am/pm", "2024-01-15 10:30 am"],
    ["time first", "10:30 2024-01-15"],
    ["empty", ""],
    ["words", "last Tuesday"],
  ])("refuses %s (%j)", (_why, input) => {
    expect(parseRecordedAt(input)).toBeNull();
  });

  it("always gives an instant on the day as written", () => {
    const wallTime = fc.record({
      date: fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2050-12-31T00:00:00Z"), noInvalidDate: true }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
    });
    fc.assert(
      fc.property(wallTime, ({ date, hour, minute, second }) => {
        const day = date.toISOString().slice(0, 10);
        const two = (value: number): string => String(value).padStart(2, "0");
        const parsed = parseRecordedAt(`${day} ${two(hour)}:${two(minute)}:${two(second)}`);
        expect(parsed?.day).toBe(day);
        expect(parsed?.instant && ukLocalDay(parsed.instant)).toBe(day);
      }),
      { numRuns: 500 },
    );
  });
});
