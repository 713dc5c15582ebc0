// Who may be sent an NHS App registration letter (issue 18). The letter carries the details that
// link an NHS App to the patient's record, so it is as good as switching access on: it must not
// reach anyone the programme does not cover, nor anyone a clinician has to decide about first.
// Pure: the caller gives the facts and the day the letter is produced.

import { ageOn, PROGRAMME_MIN_AGE } from "./eligibility";

export interface RegistrationLetterFacts {
  dateOfBirth: string;
  /** An active (or tied) 104 in the patient's effective access state. */
  enhancedReview: boolean;
  /** The clinician's at-risk review marks the patient "confirmed at risk". */
  confirmedAtRisk: boolean;
  /**
   * A clinician's grant in force that answers the concerns as they stand: made knowing of the 104,
   * after counselling, done in the clinical system, and later than every 104 and at-risk review.
   */
  grantedInForce: boolean;
}

export const REGISTRATION_REFUSALS = ["under-16", "confirmed-at-risk", "enhanced-review"] as const;
export type RegistrationRefusal = (typeof REGISTRATION_REFUSALS)[number];

/**
 * Why no registration letter may be produced for the patient on `today`, or null. Under-16s are
 * outside the programme whatever has been decided (DESIGN §2); a clinician's grant in force is the
 * only thing that lets a letter go to a patient confirmed at risk or with an active 104.
 */
export function registrationLetterRefusal(facts: RegistrationLetterFacts, today: string): RegistrationRefusal | null {
  if (ageOn(facts.dateOfBirth, today) < PROGRAMME_MIN_AGE) return "under-16";
  if (facts.grantedInForce) return null;
  if (facts.confirmedAtRisk) return "confirmed-at-risk";
  if (facts.enhancedReview) return "enhanced-review";
  return null;
}
