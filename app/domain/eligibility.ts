import { compareDays, formatIsoDay, isIsoDay, parseIsoDay, type DayParts } from "./calendar";

/** Under-16s are outside the programme: the clinical system handles access at 16. */
export const PROGRAMME_MIN_AGE = 16;

/** Beyond this a date of birth is far more likely a typing slip than a real patient. */
export const MAX_PLAUSIBLE_AGE = 130;

function partsOrThrow(day: string, name: string): DayParts {
  const parts = parseIsoDay(day);
  if (!parts) throw new RangeError(`${name} is not an ISO calendar day: ${JSON.stringify(day)}`);
  return parts;
}

/**
 * Whole years of age on `asOf` (negative before birth). Someone born on 29 February reaches
 * their birthday on 1 March in a common year. UK law has a person attain an age at the start
 * of the anniversary of their birth (Family Law Reform Act 1969 s.9), and the usual UK reading
 * is that a 29 February anniversary has not arrived until 28 February is over; so a leapling is
 * never let in a day early. Comparing (month, day) pairs gives exactly this, because 29 February
 * sorts after every day of a common-year February.
 */
export function ageOn(dateOfBirth: string, asOf: string): number {
  const born = partsOrThrow(dateOfBirth, "dateOfBirth");
  const on = partsOrThrow(asOf, "asOf");
  const birthdayNotYetReached = on.month < born.month || (on.month === born.month && on.day < born.day);
  return on.year - born.year - (birthdayNotYetReached ? 1 : 0);
}

export interface EligibilityFacts {
  dateOfBirth: string;
  deceased: boolean;
  registered: boolean;
}

export function isEligible(patient: EligibilityFacts, asOf: string): boolean {
  if (patient.deceased || !patient.registered) return false;
  return ageOn(patient.dateOfBirth, asOf) >= PROGRAMME_MIN_AGE;
}

/**
 * The earliest plausible date of birth is the same calendar day MAX_PLAUSIBLE_AGE years before
 * `today`; when `today` is 29 February and that year has none, the end of that February.
 */
export function earliestPlausibleDateOfBirth(today: string): string {
  const { year, month, day } = partsOrThrow(today, "today");
  const earliestYear = year - MAX_PLAUSIBLE_AGE;
  const isMissingLeapDay = month === 2 && day === 29 && !isIsoDay(formatIsoDay({ year: earliestYear, month, day }));
  return formatIsoDay({ year: earliestYear, month, day: isMissingLeapDay ? 28 : day });
}

export function isDateOfBirthPlausible(dateOfBirth: string, today: string): boolean {
  if (!isIsoDay(dateOfBirth)) return false;
  if (compareDays(dateOfBirth, today) > 0) return false;
  return compareDays(dateOfBirth, earliestPlausibleDateOfBirth(today)) >= 0;
}
