// What staff read on the "enter a request" form beyond its first questions
// (review-queue.ts newRequestContent): the safe-contact questions for an
// opt-in, and why a request cannot be entered for a child.

import { CLINICAL_SYSTEM_NAMES, type ClinicalSystem } from "../domain/clinical-system-steps";
import { PROGRAMME_MIN_AGE } from "../domain/eligibility";
import type { SafeContactMessages } from "../domain/request-forms";

export const staffEntryContent = {
  contactHeading: "If the patient asked for access",
  contactIntro:
    "Ask them these questions in these words: they are the questions the online form asks, and the practice reads their answers under them.",
  contactErrors: {
    contactWay: "Choose the safe way to contact the patient",
    contactPhoneMissing: "Enter the phone number the practice can safely call the patient on",
    contactPhoneInvalid: "Enter a UK phone number, like 01632 960 001 or 07700 900 982",
    contactTime: "Enter when it is safe to contact the patient",
    tooLong: "Answer must be 200 characters or fewer",
  } satisfies SafeContactMessages,
  /** Nothing is recorded for a patient under 16 on the day: the clinical system's own process applies (DESIGN §2). */
  underProgrammeAge: (name: string, age: number, system: ClinicalSystem) =>
    `${name} is ${age}: this service is for patients aged ${PROGRAMME_MIN_AGE} and over. Access for under-${PROGRAMME_MIN_AGE}s and proxy access are handled in ${CLINICAL_SYSTEM_NAMES[system]}, not here.`,
};
