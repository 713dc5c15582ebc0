import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareRecorded,
  recordedAtInstant,
  recordedOnDay,
  type RecordedAt,
} from "../../../app/domain/recorded-at";

const at = (iso: string): RecordedAt => recordedAtInstant(new Date(iso));
const on = (day: string): RecordedAt => recordedOnDay(day);

describe("recordedOnDay", () => {
  it("keeps the day and has no instant", () => {
    expect(on("2024-07-01")).toEqual({ day: "2024-07-01", instant: null });
  });

  it.each(["2023-02-30", "2024-7-1", "", "2024-07-01T10:00:00Z"])("refuses %j", (day) => {
    expect(() => recordedOnDay(day)).toThrow(RangeError);
  });
});

describe("recordedAtInstant", () => {
  it("takes its day from UK local time, not UTC", () => {
    expect(at("2024-06-30T23:30:00Z").day).toBe("2024-07-01");
    expect(at("2024-01-15T23:30:00Z").day).toBe("2024-01-15");
  });

  it("is not affected by later changes to the caller's Date", () => {
    const instant = new Date("2024-06-30T10:00:00Z");
    const recorded = recordedAtInstant(instant);
    instant.setUTCFullYear(2030);
    expect(recorded.instant?.toISOString()).toBe("2024-06-30T10:00:00.000Z");
  });

  it("refuses an invalid Date", () => {
    expect(() => recordedAtInstant(new Date("nonsense"))).toThrow(RangeError);
  });
});

describe("compareRecorded", () => {
  it.each([
    ["two instants in order", at("2024-06-30T10:00:00Z"), at("2024-06-30T10:01:00Z"), -1],
    ["two instants reversed", at("2024-06-30T10:01:00Z"), at("2024-06-30T10:00:00Z"), 1],
    ["the same instant", at("2024-06-30T10:00:00Z"), at("2024-06-30T10:00:00Z"), 0],
    ["the same instant written in another offset", at("2024-06-30T11:00:00+01:00"), at("2024-06-30T10:00:00Z"), 0],
    ["two date-only days in order", on("2024-06-29"), on("2024-06-30"), -1],
    ["the same date-only day", on("2024-06-30"), on("2024-06-30"), 0],
    ["date-only and an instant on that UK day", on("2024-06-30"), at("2024-06-30T10:00:00Z"), 0],
    ["an instant and a date-only day on that UK day", at("2024-06-30T10:00:00Z"), on("2024-06-30"), 0],
    ["a BST evening instant and the next UK day", at("2024-06-30T23:30:00Z"), on("2024-07-01"), 0],
    ["a BST evening instant after its UTC day", at("2024-06-30T23:30:00Z"), on("2024-06-30"), 1],
    ["a GMT evening instant on its own day", at("2024-01-15T23:30:00Z"), on("2024-01-15"), 0],
    ["date-only before a later instant", on("2024-06-29"), at("2024-06-30T00:00:00Z"), -1],
  ] as const)("%s", (_why, a, b, expected) => {
    expect(compareRecorded(a, b)).toBe(expected);
  });

  const recordedAt = fc.oneof(
    fc
      .date({ min: new Date("2024-03-28T00:00:00Z"), max: new Date("2024-04-03T00:00:00Z"), noInvalidDate: true })
      .map((instant) => recordedAtInstant(instant)),
    fc.integer({ min: 28, max: 33 }).map((n) => recordedOnDay(n <= 31 ? `2024-03-${n}` : `2024-04-0${n - 31}`)),
    // A small pool of instants makes exact ties likely.
    fc
      .constantFrom("2024-03-30T12:00:00Z", "2024-03-30T23:30:00Z", "2024-03-31T00:30:00Z", "2024-03-31T23:30:00Z")
      .map((iso) => at(iso)),
  );

  it("is antisymmetric and reflexively a tie", () => {
    fc.assert(
      fc.property(recordedAt, recordedAt, (a, b) => {
        expect(compareRecorded(a, a)).toBe(0);
        expect(compareRecorded(a, b)).toBe(-compareRecorded(b, a) || 0);
      }),
    );
  });

  it("makes 'strictly after' transitive across instants and date-only days", () => {
    fc.assert(
      fc.property(recordedAt, recordedAt, recordedAt, (a, b, c) => {
        if (compareRecorded(a, b) > 0 && compareRecorded(b, c) > 0) {
          expect(compareRecorded(a, c)).toBe(1);
        }
      }),
    );
  });

  it("never orders two values on the same UK day unless both are instants", () => {
    fc.assert(
      fc.property(recordedAt, recordedAt, (a, b) => {
        if (a.day === b.day && (a.instant === null || b.instant === null)) {
          expect(compareRecorded(a, b)).toBe(0);
        }
      }),
    );
  });
});
