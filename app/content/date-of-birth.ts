import { formatLongDay } from "../domain/calendar";
import { ageOn } from "../domain/eligibility";

/**
 * A date of birth as staff read it, with the age it makes on `today` (the UK day):
 * "3 March 2019 (age 7)". The age is what tells staff at a glance that a patient is a child.
 */
export function dateOfBirthWithAge(dateOfBirth: string, today: string): string {
  const day = dateOfBirth.slice(0, 10);
  return `${formatLongDay(day)} (age ${ageOn(day, today)})`;
}
