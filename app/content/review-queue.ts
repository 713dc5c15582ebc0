import type { AccessState } from "../domain/access-state";
import type { AccessLevel } from "../domain/clinical-system-steps";
import type { DecisionOutcome, RequestKind, RequestState } from "../domain/request-workflow";
import type { IdentityMethod, Move } from "../services/request-review.server";

// What staff read on the review queue.

export const requestKindNames: Record<RequestKind, string> = {
  "opt-out": "Opt out",
  "opt-in": "Asks for access",
  "withdraw-opt-out": "Withdraws an opt-out",
};

export const requestStateNames: Record<RequestState, string> = {
  received: "Received",
  "identity-check": "Identity to check",
  triage: "Triage",
  "clinician-review": "Clinician review",
  counselling: "Counselling",
  decided: "Decided",
  actioned: "Done in the clinical system",
  closed: "Closed",
};

export const requestChannelNames: Record<string, string> = {
  "personal-link": "Personal link",
  "online-form": "Online form",
  phone: "Phone",
  paper: "Paper",
  "in-person": "At the desk",
};

export const queueContent = {
  title: "Requests",
  intro: (targetDays: number) =>
    `Open requests from patients, oldest first. Requests waiting longer than the practice's target of ${targetDays} days are marked.`,
  filterKind: "Kind of request",
  filterState: "State",
  any: "Any",
  filterButton: "Show requests",
  countsCaption: "Open requests by state",
  tableCaption: (shown: number, total: number) => (shown < total ? `The oldest ${shown} of ${total} matching requests` : `${shown} matching requests`),
  empty: "There are no open requests that match.",
  head: ["Reference", "Request", "Patient", "State", "Received", "Waiting"],
  identityToCheck: "Not yet confirmed",
  waiting: (days: number) => (days === 1 ? "1 day" : `${days} days`),
  overdue: "Past target",
  overdueActions: (count: number, days: number) =>
    count === 1
      ? `1 decision has not been marked done in the clinical system more than ${days} days after it was made.`
      : `${count} decisions have not been marked done in the clinical system more than ${days} days after they were made.`,
  actionOverdue: (days: number) => `Not done in the clinical system after ${days === 1 ? "1 day" : `${days} days`}`,
};

// What staff read on one request's page (/staff/requests/$id).

export const decisionOutcomeNames: Record<DecisionOutcome, string> = {
  granted: "Access granted",
  withheld: "Access withheld",
  "opt-out-recorded": "Opt-out recorded",
  "rejected-unverified": "Rejected: identity not verified",
};

export const accessLevelNames: Record<AccessLevel, string> = {
  none: "No online access",
  "appointments-and-prescriptions": "Appointments and prescriptions only",
  "prospective-record": "Prospective record access",
};

export const identityMethodNames: Record<IdentityMethod, string> = {
  "record-match": "Details matched the record",
  "photo-id": "Photo ID seen",
  "known-to-staff": "Known to staff",
  "nhs-login": "NHS login",
  vouched: "Vouched for",
  "not-verified": "Not verified",
};

export const accessStateNames: Record<AccessState, string> = {
  declined: "Declined online access (103)",
  conflict: "Conflicting codes (104 and 106 at the same time)",
  "enhanced-review": "Review before access (104)",
  "review-cleared": "Review not needed (106)",
  default: "Gets prospective access (no codes)",
};

export const moveNames: Record<Move, string> = {
  triage: "Move to triage",
  "clinician-review": "Send to clinician review",
  counselling: "Record counselling arranged",
};

export const auditActionNames: Record<string, string> = {
  "request.received": "received the request",
  "request.viewed": "viewed the request",
  "request.moved": "moved the request",
  "request.decided": "decided the request",
  "request.actioned": "marked it done in the clinical system",
  "request.closed": "recorded that the patient was told, and closed it",
  "request.step-refused": "was refused a step",
};

export const requestPageContent = {
  title: (reference: string) => `Request ${reference}`,
  notFound: "There is no such request.",
  back: "Back to requests",
  stateLabel: "State",
  kindLabel: "Request",
  receivedLabel: "Received",
  submissionsHeading: "What was received",
  submissionCaption: (n: number, when: string) => `Submission ${n}, received ${when}`,
  answerHead: ["Question", "Answer as entered"],
  shownReference: "Reference shown to the sender",
  patientHeading: "Patient",
  identityNotConfirmed: "Identity not confirmed",
  identityNotConfirmedBody: "No patient is linked to this request. Nothing will be applied to any record until staff confirm who sent it.",
  matchReasons: "Why the match was incomplete",
  noMatchReasons: "No patient on the list matched the details given.",
  patientRows: {
    name: "Name",
    nhsNumber: "NHS number",
    dateOfBirth: "Date of birth",
    address: "Address",
    email: "Email on record",
    noEmail: "None on record",
    onlineAccount: "Online account",
    state: "Effective access state",
  },
  yes: "Yes",
  no: "No",
  enhancedReviewWarning: "This patient has an active 104: an opt-in must be decided by a clinician after a conversation.",
  actionsHeading: "What you can do now",
  nothingNow: "There is nothing for you to do on this request now.",
  notAllowed: (action: string, reason: string) => `${action}: ${reason}`,
  counsellingDate: "Date of the counselling conversation",
  counsellingMethod: "How the conversation took place",
  counsellingMethodHint: "For example, by phone, face to face or by video call.",
  counsellingRecorded: (on: string, method: string) => `Counselling on ${on} (${method}).`,
  decideHeading: "Decide",
  outcomeLegend: "Outcome",
  codeLegend: "Code to enter in the clinical system",
  codeNone: "No code",
  accessLevelLegend: "Access level",
  identityMethodLegend: "How identity was checked",
  notesLabel: "Notes (optional)",
  decideButton: "Record the decision",
  decisionHeading: "Decision",
  decisionRows: {
    outcome: "Outcome",
    code: "Code to enter",
    accessLevel: "Access level",
    identityMethod: "Identity check",
    counselling: "Counselling",
    notes: "Notes",
    decidedAt: "Decided",
    actionedAt: "Done in the clinical system",
    patientToldAt: "Patient told",
  },
  notYet: "Not yet",
  stepHeading: "Next step in the clinical system",
  markActioned: "Done in the clinical system",
  close: "Patient told: close the request",
  historyHeading: "History",
  historyHead: ["When", "Who", "What"],
  portal: "The portal",
  errors: {
    chooseAction: "Choose what to do with this request.",
    chooseOutcome: "Choose an outcome",
    chooseCode: "Choose the code to enter, or no code",
    chooseAccessLevel: "Choose an access level",
    chooseIdentityMethod: "Choose how identity was checked",
    notesTooLong: "Notes must be 2,000 characters or fewer",
    counsellingDateMissing: "Enter the date of the counselling conversation",
    counsellingDateInvalid: "The date of the counselling conversation must be a real date",
    counsellingMethodMissing: "Enter how the counselling conversation took place",
  },
  conflict: "Someone else has just changed this request. Nothing you entered has been saved: check what they did, then try again if it is still needed.",
  theirChange: (who: string, what: string, when: string) => `${who} ${what} at ${when}.`,
  yourEntry: "What you entered (not saved)",
};
