import type { RegistrationRefusal } from "../domain/registration-letter-rules";

// Why a registration letter is refused, as staff read it on the registration page and from the
// command line ("Row 3: Jane Smith cannot be sent a registration letter: …"). Staff-facing only:
// no patient ever sees these words.

const WHY: Record<RegistrationRefusal, string> = {
  "under-16":
    "they are under 16, and online access for under-16s (and proxy access) is arranged through the clinical system's own process, not with this letter",
  "confirmed-at-risk":
    "a clinician has confirmed them at risk in the at-risk review, so a clinician must grant access before a registration letter is sent",
  "enhanced-review": "they have an active 104, so a clinician must grant access before a registration letter is sent",
};

export function registrationRefusalMessage(patientName: string, refusal: RegistrationRefusal): string {
  return `${patientName} cannot be sent a registration letter: ${WHY[refusal]}`;
}
