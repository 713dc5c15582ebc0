// Calendar days are ISO strings ("YYYY-MM-DD") rather than Date objects, so that a day never
// silently shifts when it crosses a time-zone boundary.

const ISO_DAY_PATTERN = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export interface DayParts {
  year: number;
  month: number;
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const THIRTY_DAY_MONTHS: ReadonlySet<number> = new Set([4, 6, 9, 11]);

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return THIRTY_DAY_MONTHS.has(month) ? 30 : 31;
}

/** The parts of an ISO day, or null when it is malformed or not a real calendar date. */
export function parseIsoDay(value: string): DayParts | null {
  const match = ISO_DAY_PATTERN.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isIsoDay(value: string): boolean {
  return parseIsoDay(value) !== null;
}

export function formatIsoDay({ year, month, day }: DayParts): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

// Built once: constructing a DateTimeFormat is far slower than using one.
const londonDayFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/**
 * The calendar day an instant falls on for a practice in the UK. Clinical systems record
 * dates in UK local time, so a 23:30 UTC entry in summer (BST) belongs to the next day.
 */
export function ukLocalDay(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError("ukLocalDay needs a valid Date");
  const parts = londonDayFormat.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number => {
    const found = parts.find((candidate) => candidate.type === type);
    if (!found) throw new RangeError(`Intl.DateTimeFormat gave no ${type} part`);
    return Number(found.value);
  };
  return formatIsoDay({ year: part("year"), month: part("month"), day: part("day") });
}

/** Orders ISO days; fixed-width ISO strings sort correctly as text. */
export function compareDays(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The instant a UK calendar day begins (00:00 Europe/London). The UK is
 * either on UTC or one hour ahead (BST), so it is one of two candidates.
 */
export function startOfUkDay(day: string): Date {
  const utcMidnight = new Date(`${day}T00:00:00Z`);
  const anHourEarlier = new Date(utcMidnight.getTime() - 3_600_000);
  return ukLocalDay(anHourEarlier) === day ? anHourEarlier : utcMidnight;
}

/** The ISO day after `day`. */
export function nextDay(day: string): string {
  return addDays(day, 1);
}

/** The ISO day `days` after `day` (or before, when negative). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const longUkDate = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "long", year: "numeric" });

/** "21 November 2026": how the NHS writes dates to patients. */
export function formatLongUkDate(instant: Date): string {
  return longUkDate.format(instant);
}

/** An ISO day as "21 November 2026". */
export function formatLongDay(day: string): string {
  return formatLongUkDate(new Date(`${day}T12:00:00Z`));
}

const ukWallClockFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** "2026-11-21 14:03:07", UK time: sorts as text and reads as a date and time in a spreadsheet. */
export function ukWallClock(instant: Date): string {
  const part = Object.fromEntries(ukWallClockFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}
