// Who a campaign goes to, worked out from effective access states (DESIGN §2):
// under-16s, the deceased and the deregistered are never messaged; the
// opt-out announcement goes to patients who will get access by default; the
// opt-in invitation only to patients with an active 104, and only when their
// contact details are marked private to them. Patients in a cohort without an
// email address go on the letters list instead.

import type { AccessState } from "./access-state";
import { ageOn, PROGRAMME_MIN_AGE } from "./eligibility";
import type { CampaignTemplateKey } from "./message-templates";

export const EXCLUSION_REASONS = [
  "deregistered",
  "deceased",
  "under-16",
  "declined",
  "conflict",
  "enhanced-review",
  "no-active-104",
  "contact-not-private",
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** For staff: what each exclusion means. */
export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  deregistered: "No longer registered",
  deceased: "Deceased",
  "under-16": "Under 16",
  declined: "Declined online access (103)",
  conflict: "104 and 106 recorded together: resolve in the clinical system first",
  "enhanced-review": "Active 104: offered the opt-in invitation instead",
  "no-active-104": "No active 104: the invitation is only for patients with one",
  "contact-not-private": "Active 104, but contact details not marked private to the patient",
};

export interface CohortCandidate {
  id: string;
  dateOfBirth: string;
  deceased: boolean;
  registered: boolean;
  state: AccessState;
  email: string | null;
  contactIsPrivate: boolean;
}

export interface Cohort<P extends CohortCandidate> {
  /** In the cohort, with an email address. */
  email: P[];
  /** In the cohort, with no email address: they need a letter. */
  letters: P[];
  excluded: Record<ExclusionReason, number>;
}

export function exclusionReason(template: CampaignTemplateKey, patient: CohortCandidate, asOf: string): ExclusionReason | null {
  if (!patient.registered) return "deregistered";
  if (patient.deceased) return "deceased";
  if (ageOn(patient.dateOfBirth, asOf) < PROGRAMME_MIN_AGE) return "under-16";
  if (patient.state === "declined") return "declined";
  if (patient.state === "conflict") return "conflict";
  switch (template) {
    case "opt-out-announcement":
      return patient.state === "enhanced-review" ? "enhanced-review" : null;
    case "opt-in-invitation":
      if (patient.state !== "enhanced-review") return "no-active-104";
      return patient.contactIsPrivate ? null : "contact-not-private";
  }
}

export function campaignCohort<P extends CohortCandidate>(template: CampaignTemplateKey, patients: readonly P[], asOf: string): Cohort<P> {
  const excluded = Object.fromEntries(EXCLUSION_REASONS.map((reason) => [reason, 0])) as Record<ExclusionReason, number>;
  const email: P[] = [];
  const letters: P[] = [];
  for (const patient of patients) {
    const reason = exclusionReason(template, patient, asOf);
    if (reason) excluded[reason] += 1;
    else if (patient.email) email.push(patient);
    else letters.push(patient);
  }
  return { email, letters, excluded };
}
