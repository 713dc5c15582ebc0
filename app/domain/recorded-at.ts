import { compareDays, isIsoDay, ukLocalDay } from "./calendar";

/**
 * When a coded entry was recorded. Some exports give only a date, so `instant` is null for
 * those. Build values with `recordedOnDay` or `recordedAtInstant` so `day` always agrees with
 * `instant`; `compareRecorded` relies on that.
 */
export interface RecordedAt {
  day: string;
  instant: Date | null;
}

export function recordedOnDay(day: string): RecordedAt {
  if (!isIsoDay(day)) throw new RangeError(`Not an ISO calendar day: ${JSON.stringify(day)}`);
  return { day, instant: null };
}

export function recordedAtInstant(instant: Date): RecordedAt {
  if (Number.isNaN(instant.getTime())) throw new RangeError("recordedAtInstant needs a valid Date");
  // A private copy, so a caller mutating its Date cannot reorder history after the fact.
  const copy = new Date(instant.getTime());
  return { day: ukLocalDay(copy), instant: copy };
}

/**
 * Orders two recordings, or returns 0 when they cannot be ordered. A date-only value stands for
 * the whole UK day and an instant for a point in it, so a date-only value on the same day as
 * anything else is a tie, never a guess. Treated this way "strictly after" is an interval order,
 * which is transitive, so "later than every other entry" is well defined.
 */
export function compareRecorded(a: RecordedAt, b: RecordedAt): -1 | 0 | 1 {
  if (a.instant !== null && b.instant !== null) {
    return Math.sign(a.instant.getTime() - b.instant.getTime()) as -1 | 0 | 1;
  }
  return Math.sign(compareDays(a.day, b.day)) as -1 | 0 | 1;
}

export function isRecordedStrictlyAfter(later: RecordedAt, earlier: RecordedAt): boolean {
  return compareRecorded(later, earlier) > 0;
}
