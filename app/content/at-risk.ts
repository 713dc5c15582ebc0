import type { AtRiskFilter, AtRiskOutcome } from "../domain/at-risk-review";

// Every sentence clinicians read on the at-risk review pages, and the
// exports' link text. Staff screens only: none of this reaches a patient.

export const outcomeNames: Record<AtRiskOutcome, string> = {
  "confirmed-at-risk": "Confirmed at risk",
  "not-at-risk": "Not at risk",
  "to-discuss": "To discuss",
};

export const outcomeButtons: Record<AtRiskOutcome, string> = {
  "confirmed-at-risk": "Confirm at risk",
  "not-at-risk": "Not at risk",
  "to-discuss": "To discuss",
};

export const filterNames: Record<AtRiskFilter, string> = {
  all: "Everyone on the list",
  unreviewed: "Not reviewed yet",
  "confirmed-at-risk": "Confirmed at risk",
  "not-at-risk": "Not at risk",
  "to-discuss": "To discuss",
};

export const atRiskContent = {
  title: "At-risk review",
  intro:
    "Patients in the programme whose record has an active code asking for enhanced review before online access (104). Mark each one. Patients marked not at risk go on the remediation list, for a 106 to be entered in the clinical system.",
  count: (shown: number, total: number) => (shown === total ? `${total} patients on the list.` : `Showing ${shown} of ${total} patients on the list.`),
  filterLabel: "Show",
  filterButton: "Show",
  empty: "No patients match.",
  nhsNumber: "NHS number",
  dateOfBirth: "Date of birth",
  recorded104: "104 recorded",
  recorded104Unknown: "Asked for by a portal decision, not yet in an import",
  currentOutcome: "Review",
  notReviewed: "Not reviewed yet",
  reviewedBy: (name: string, when: string) => `${name}, ${when}`,
  noteLabel: "Note (optional)",
  noteTooLong: "Enter a note of 1,000 characters or fewer",
  outcomeMissing: "Choose confirmed at risk, not at risk or to discuss",
  notOnList: "This patient is no longer on the list. Their 104 may have been lifted, or they may have left the practice.",
  saved: (name: string, outcome: AtRiskOutcome) => `${name}: ${outcomeNames[outcome].toLowerCase()}.`,
  pagination: "Pages of the list",
  previousPage: "Previous",
  nextPage: "Next",
  pageOf: (page: number, pages: number) => `Page ${page} of ${pages}`,
  remediationLink: "Download the remediation list (CSV): patients marked not at risk, with code 106 and today's date",
};

export const exportsContent = {
  title: "At-risk review and exports",
  intro: "Lists to take to the clinical system. Each download is recorded in the audit trail.",
  reviewLink: "Review the patients with an active 104",
  reviewHint: "Mark each patient confirmed at risk, not at risk or to discuss.",
  remediationHeading: "106 remediation list",
  remediationBody: "Patients a clinician has marked not at risk, with code 106 and today's date, for bulk coding.",
  actionsHeading: "Clinical-system actions not yet done",
  actionsBody: "Decisions that need a step in the clinical system that nobody has marked done yet.",
  download: "Download (CSV)",
};
