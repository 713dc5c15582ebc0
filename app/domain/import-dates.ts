// Dates as clinical-system exports write them. Days stay ISO strings (see calendar.ts); a code
// date that carries a time is UK local time, as EMIS Web and SystmOne record it.

import { daysInMonth, formatIsoDay, parseIsoDay } from "./calendar";

const ISO_FORM = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const SLASH_FORM = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/;
const MONTH_NAME_FORM = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/;

const MONTH_ABBREVIATIONS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function realDay(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return formatIsoDay({ year, month, day });
}

/**
 * The ISO day written as `YYYY-MM-DD`, `DD/MM/YYYY` (day and month may be one digit) or
 * `DD-Mon-YYYY` (any case), or null when it is none of those or not a real date. Slash dates are
 * always read day first: these are UK exports, and 05/10/2023 is 5 October.
 */
export function parseDay(input: string): string | null {
  const text = input.trim();
  const iso = ISO_FORM.exec(text);
  if (iso) return realDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const slash = SLASH_FORM.exec(text);
  if (slash) return realDay(Number(slash[3]), Number(slash[2]), Number(slash[1]));
  const named = MONTH_NAME_FORM.exec(text);
  if (named) {
    const month = MONTH_ABBREVIATIONS.indexOf((named[2] ?? "").toLowerCase()) + 1;
    return month === 0 ? null : realDay(Number(named[3]), month, Number(named[1]));
  }
  return null;
}

// Built once: constructing a DateTimeFormat is far slower than using one.
const londonWallClock = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
  hourCycle: "h23",
});

/** Wall-clock fields read as if they were UTC, in milliseconds; years below 100 kept as written. */
function wallMillis(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** How far UK local time is ahead of UTC at a whole-second instant, in milliseconds. */
function londonOffsetAt(instantMillis: number): number {
  const parts = londonWallClock.formatToParts(new Date(instantMillis));
  const part = (type: Intl.DateTimeFormatPartTypes): number => {
    const found = parts.find((candidate) => candidate.type === type);
    if (!found) throw new RangeError(`Intl.DateTimeFormat gave no ${type} part`);
    return Number(found.value);
  };
  const wall = wallMillis(part("year"), part("month"), part("day"), part("hour"), part("minute"), part("second"));
  return wall - instantMillis;
}

const DAY_MS = 86_400_000;

/**
 * The instant a UK wall-clock time names (Europe/London, so BST in summer).
 *
 * - When the clocks go back the hour 01:00-01:59 happens twice; the earlier (BST) instant is
 *   chosen, so an entry is never placed later than it could have been made.
 * - When the clocks go forward, 01:00-01:59 never happens. Such a time is taken as the following
 *   valid instant, the moment the clocks changed (01:00 UTC, 02:00 BST). Two entries written inside
 *   the gap therefore tie rather than being ordered by a guess: a tie between a 104 and a 106 is a
 *   conflict that staff see (DESIGN §2).
 */
export function ukLocalToInstant(day: string, hour: number, minute: number, second: number): Date {
  const parts = parseIsoDay(day);
  if (!parts) throw new RangeError(`Not an ISO calendar day: ${JSON.stringify(day)}`);
  const inRange = (value: number, max: number): boolean => Number.isInteger(value) && value >= 0 && value <= max;
  if (!inRange(hour, 23) || !inRange(minute, 59) || !inRange(second, 59)) {
    throw new RangeError(`Not a time of day: ${hour}:${minute}:${second}`);
  }
  const wall = wallMillis(parts.year, parts.month, parts.day, hour, minute, second);
  // A day either side of any wall time lies outside a transition, so these are the only offsets
  // that could apply (the UK has never changed its clocks twice within two days).
  const offsetBefore = londonOffsetAt(wall - DAY_MS);
  const offsetAfter = londonOffsetAt(wall + DAY_MS);
  const candidates = [...new Set([wall - offsetBefore, wall - offsetAfter])]
    .filter((instant) => instant + londonOffsetAt(instant) === wall)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  if (earliest !== undefined) return new Date(earliest);

  // In a spring gap: find the changeover between the two candidates, to the second.
  let stillBefore = Math.min(wall - offsetBefore, wall - offsetAfter) / 1000;
  let alreadyAfter = Math.max(wall - offsetBefore, wall - offsetAfter) / 1000;
  while (alreadyAfter - stillBefore > 1) {
    const middle = Math.floor((stillBefore + alreadyAfter) / 2);
    if (londonOffsetAt(middle * 1000) === offsetBefore) stillBefore = middle;
    else alreadyAfter = middle;
  }
  return new Date(alreadyAfter * 1000);
}

const TIME_PART = /^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$/;

/**
 * A code date as exports write it: any `parseDay` form (then `instant` is null), or a date with a
 * UK local time after a space (or after a `T` in the ISO form): `HH:MM` or `HH:MM:SS`. `day` is the
 * day as written, which is also the UK day of `instant`. Null when unreadable, not a real date or
 * time, or carrying anything more (a UTC "Z", an offset, fractions of a second): a time zone would
 * contradict the rule that exports are UK local time, so it is refused rather than guessed at.
 */
export function parseRecordedAt(input: string): { day: string; instant: Date | null } | null {
  const text = input.trim();
  const dateOnly = parseDay(text);
  if (dateOnly !== null) return { day: dateOnly, instant: null };

  const isoWithT = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T(\S+)$/.exec(text);
  const withSpace = /^(\S+)\s+(\S+)$/.exec(text);
  const [, datePart = "", timePart = ""] = isoWithT ?? withSpace ?? [];
  const day = parseDay(datePart);
  const time = TIME_PART.exec(timePart);
  if (day === null || !time) return null;
  const hour = Number(time[1]);
  const minute = Number(time[2]);
  const second = Number(time[3] ?? "0");
  if (hour > 23 || minute > 59 || second > 59) return null;
  return { day, instant: ukLocalToInstant(day, hour, minute, second) };
}
