import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SENDING_HOURS,
  describeSendingHours,
  isWithinSendingHours,
  nextSendingTime,
  parseSendingHours,
  ukInstant,
  ukMinuteOfDay,
} from "../../../app/domain/sending-hours";

describe("parseSendingHours", () => {
  it.each([
    ["08:00-20:00", { startMinute: 480, endMinute: 1200 }],
    ["08:00 – 20:00", { startMinute: 480, endMinute: 1200 }],
    ["00:00-24:00", { startMinute: 0, endMinute: 1440 }],
    ["09:30-17:45", { startMinute: 570, endMinute: 1065 }],
  ])("reads %s", (text, hours) => {
    expect(parseSendingHours(text)).toEqual(hours);
  });

  it.each(["", "8-20", "20:00-08:00", "08:00-08:00", "25:00-26:00", "08:00-24:30", "08:60-20:00"])("refuses %j", (text) => {
    expect(parseSendingHours(text)).toBeNull();
  });

  it("describes the default for people", () => {
    expect(describeSendingHours(DEFAULT_SENDING_HOURS)).toBe("08:00–20:00 UK time");
  });
});

describe("isWithinSendingHours, in UK time", () => {
  it.each([
    // Winter: UK time is UTC.
    ["2026-01-15T07:59:00Z", false],
    ["2026-01-15T08:00:00Z", true],
    ["2026-01-15T19:59:00Z", true],
    ["2026-01-15T20:00:00Z", false],
    // Summer: UK time is UTC+1, so 07:00 UTC is 08:00 in the UK.
    ["2026-07-15T06:59:00Z", false],
    ["2026-07-15T07:00:00Z", true],
    ["2026-07-15T18:59:00Z", true],
    ["2026-07-15T19:00:00Z", false],
  ])("%s → %s", (iso, within) => {
    expect(isWithinSendingHours(new Date(iso), DEFAULT_SENDING_HOURS)).toBe(within);
  });
});

describe("nextSendingTime", () => {
  it("is now when sending is allowed now", () => {
    const now = new Date("2026-03-10T12:00:00Z");
    expect(nextSendingTime(now, DEFAULT_SENDING_HOURS)).toEqual(now);
  });

  it("is 08:00 the same day before the window opens, and the next day after it closes", () => {
    expect(nextSendingTime(new Date("2026-01-15T06:00:00Z"), DEFAULT_SENDING_HOURS).toISOString()).toBe("2026-01-15T08:00:00.000Z");
    expect(nextSendingTime(new Date("2026-07-15T21:30:00Z"), DEFAULT_SENDING_HOURS).toISOString()).toBe("2026-07-16T07:00:00.000Z");
  });

  it("lands on the opening minute, across the spring and autumn clock changes", () => {
    // Saturday 28 March 2026 21:00 UTC; the clocks go forward on Sunday 29 March.
    expect(nextSendingTime(new Date("2026-03-28T21:00:00Z"), DEFAULT_SENDING_HOURS).toISOString()).toBe("2026-03-29T07:00:00.000Z");
    // Saturday 24 October 2026 21:00 BST; the clocks go back on Sunday 25 October.
    expect(nextSendingTime(new Date("2026-10-24T20:00:00Z"), DEFAULT_SENDING_HOURS).toISOString()).toBe("2026-10-25T08:00:00.000Z");
  });

  it("always gives a time within sending hours, never in the past, within a day", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2024-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true }), (now) => {
        const next = nextSendingTime(now, DEFAULT_SENDING_HOURS);
        expect(isWithinSendingHours(next, DEFAULT_SENDING_HOURS)).toBe(true);
        expect(next.getTime()).toBeGreaterThanOrEqual(now.getTime());
        expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(13 * 3_600_000);
      }),
    );
  });
});

describe("ukInstant", () => {
  it("is the UK wall-clock minute of the day", () => {
    expect(ukInstant("2026-07-01", 9 * 60 + 30).toISOString()).toBe("2026-07-01T08:30:00.000Z");
    expect(ukInstant("2026-12-01", 9 * 60 + 30).toISOString()).toBe("2026-12-01T09:30:00.000Z");
    expect(ukMinuteOfDay(ukInstant("2026-03-29", 8 * 60))).toBe(480);
  });
});
