import type { AccessState } from "../domain/access-state";
import type { AccessLevel } from "../domain/clinical-system-steps";
import type { DecisionOutcome, RequestKind, RequestState, StaffChannel, StaffIdentityCheck } from "../domain/request-workflow";
import type { Agreement, ComparedField } from "../domain/identity-match";
import type { StaffSearchProblem } from "../domain/staff-search";
import type { PatientSearchProblem, PatientStanding } from "../services/patient-search.server";
import type { IdentityMethod, Move } from "../services/request-review.server";
import type { WaitingFilter } from "../domain/review-queue";

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
  enterRequest: "Enter a request taken by phone, on paper or at the desk",
  searchLabel: "Find a request",
  searchHint: "An NHS number, a reference such as RQ-7K3F-9QX2, or a name with perhaps a date of birth, such as Smith 14/03/1950. A search includes closed requests.",
  searchProblems: {
    empty: "Enter an NHS number, a reference or a name",
    "too-long": "Enter 100 characters or fewer",
    digits: "An NHS number has 10 digits",
    date: "Enter the date of birth as a real date, such as 14/03/1950",
    "no-name": "Enter a name as well as the date of birth",
  } satisfies Record<StaffSearchProblem, string>,
  filterKind: "Kind of request",
  filterState: "State",
  filterAssigned: "Assigned to",
  filterWaiting: "Waiting",
  any: "Any",
  anyOpen: "Any open state",
  assignedToMe: "Me",
  unassigned: "Nobody yet",
  waitingNames: (targetDays: number): Record<WaitingFilter, string> => ({
    "2": "More than 2 days",
    "7": "More than 7 days",
    target: `More than the target of ${targetDays} days`,
    "28": "More than 28 days",
  }),
  filterButton: "Show requests",
  clearFilters: "Clear the search and filters",
  countsCaption: "Open requests by state",
  tableCaption: (first: number, last: number, total: number) =>
    first === 1 && last === total ? `${total} matching requests` : `${first} to ${last} of ${total} matching requests`,
  newer: "Newer requests",
  older: "Older requests",
  empty: "There are no requests that match.",
  head: ["Reference", "Request", "Patient", "State", "Assigned to", "Received", "Waiting"],
  nobody: "Nobody",
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
  "outside-service": "Outside this service (under 16)",
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

/** What each event on a request's history did, as "<who> <what>". */
export const auditActionNames: Record<string, string> = {
  "request.received": "received the request",
  "request.viewed": "viewed the request",
  "request.moved": "moved the request",
  "request.decided": "decided the request",
  "request.actioned": "marked it done in the clinical system",
  "request.closed": "recorded that the patient was told, and closed it",
  "request.step-refused": "was refused a step",
  "request.linked": "linked the request to a patient",
  "request.assigned": "assigned the request",
  "request.reopened": "reopened the request to correct its decision",
  "request.outcome-message-cancelled": "withdrew the outcome message, which had not gone to the patient",
  "request.refused-throttled": "refused a request sent too many times",
  "message.resent": "sent the email again",
  "letter.produced": "produced a letter",
  "decisions.confirmed-by-import": "found the decision's code in an import from the clinical system",
  "patients.searched": "searched for the patient",
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
    mobile: "Mobile on record",
    noContact: "None on record",
    onlineAccount: "Online account",
    state: "Effective access state",
  },
  /** Whether the practice has marked the patient's contact details private to them. */
  contactPrivacy: (isPrivate: boolean) => (isPrivate ? "Marked private to the patient" : "Not marked private to the patient"),
  outsideServiceHeading: "Outside this service",
  outsideService: (name: string, age: number, system: string) =>
    `${name} is ${age}. This service is for patients aged 16 and over. Access for under-16s and proxy access are arranged in ${system} through its own process.`,
  hadActive104Heading: "This patient had an active 104 during this request",
  hadActive104Contact:
    "Messages about this request go only to contact details marked private to the patient. If none are, the patient is sent a letter instead.",
  hadActive104Access: "Access can be granted only by a clinician, after a counselling conversation with the patient.",
  yes: "Yes",
  no: "No",
  actionsHeading: "What you can do now",
  nothingNow: "There is nothing for you to do on this request now.",
  notAllowed: (action: string, reason: string) => `${action}: ${reason}`,
  arrangedOn: "When is the counselling conversation?",
  arrangedOnHint: "For example, 27 3 2026",
  arrangedMethod: "How will it be held?",
  markActioned: "Done in the clinical system",
  close: "Patient told: close the request",
  historyHeading: "History",
  historyHead: ["When", "Who", "What"],
  portal: "The portal",
  movedTo: (state: string) => `to ${state}`,
  because: (reason: string) => `: ${reason}`,
  errors: {
    chooseAction: "Choose what to do with this request.",
    choosePatient: "Choose the patient to link",
    chooseAssignee: "Choose who to assign the request to",
    chooseOutcome: "Choose an outcome",
    notesTooLong: "Notes must be 2,000 characters or fewer",
    counsellingDateMissing: "Enter the date of the counselling conversation",
    counsellingDateInvalid: "The date of the counselling conversation must be a real date",
    counsellingMethodMissing: "Choose how the counselling conversation will be held: in person, by phone or by video",
    reopenReason: "Enter why the decision needs correcting",
    reopenReasonTooLong: "Keep why the decision needs correcting to 2,000 characters or fewer",
  },
  enteredNew: (reference: string) => `Request entered. Give the patient its reference: ${reference}.`,
  enteredJoined: (reference: string) =>
    `The patient already had an open request of this kind, so this has been added to it. Give the patient its reference: ${reference}.`,
  assignedLabel: "Assigned to",
  nobody: "Nobody yet",
  assignLabel: "Assign to",
  assignButton: "Assign",
  assignToMe: "Assign to me",
  otherOpenRequests: "This patient has another open request of the same kind:",
  linkHeading: "Find the patient who sent this",
  claimCaption: "What the sender gave",
  claimRows: { name: "Name", dateOfBirth: "Date of birth", postcode: "Postcode", nhsNumber: "NHS number", notGiven: "Not given" },
  closeCandidates: "Patients on the list who share some of these details:",
  noCloseCandidates: "No patient on the list shares enough of these details. Search for the patient below.",
  searchLabel: "Search the practice's list",
  searchHint: "An NHS number, or a name with perhaps a date of birth, such as Smith 14/03/1950",
  searchButton: "Search",
  searchResults: (n: number, more: boolean, search: string) =>
    more ? `The first ${n} patients matching "${search}": add to the search to narrow it` : n === 1 ? `1 patient matches "${search}"` : `${n} patients match "${search}"`,
  searchNone: (search: string) => `No patient on the list matches "${search}".`,
  searchProblems: {
    empty: "Enter an NHS number or a name",
    "too-long": "Enter 100 characters or fewer",
    digits: "An NHS number has 10 digits",
    date: "Enter the date of birth as a real date, such as 14/03/1950",
    "no-name": "Enter a name as well as the date of birth",
    reference: "Search for the patient by NHS number or name, not a request reference",
  } satisfies Record<PatientSearchProblem, string>,
  candidateHead: ["Patient", "NHS number", "Date of birth", "Postcode", "Compared with what was sent", ""],
  agreement: { agrees: "matches", differs: "differs", "not-given": "not given" } satisfies Record<Agreement, string>,
  comparedNames: { nhsNumber: "NHS number", dateOfBirth: "date of birth", familyName: "family name", postcode: "postcode" } satisfies Record<ComparedField, string>,
  standing: { registered: "", deregistered: "No longer registered", deceased: "Deceased" } satisfies Record<PatientStanding, string>,
  linkButton: "This is the patient: link",
  linkButtonFor: (name: string) => ` ${name}`,
  linkWarning: "Link only when you are sure who sent the request: check any details that differ with the patient first. Linking moves the request to triage and emails the patient that it was received.",
  conflict: "Someone else has just changed this request. Nothing you entered has been saved: check what they did, then try again if it is still needed.",
  theirChange: (who: string, what: string, when: string) => `${who} ${what} at ${when}.`,
  yourEntry: "What you entered (not saved)",
  datePart: { day: "day", month: "month", year: "year" },
  moveLabel: "Move",
};

// What staff read when entering a request taken by phone, on paper or at the desk (/staff/requests/new).

export const newRequestContent = {
  title: "Enter a request for a patient",
  intro: "For a request a patient made by phone, on paper or at the desk. First find the patient on the practice's list.",
  findLabel: "Find the patient",
  findHint: "An NHS number, or a name with perhaps a date of birth, such as Smith 14/03/1950",
  findButton: "Search",
  resultsHead: ["Patient", "NHS number", "Date of birth", "Address", ""],
  choose: "Choose",
  chooseFor: (name: string) => ` ${name}`,
  notFound: "That patient is not on this practice's list. Search again.",
  patientHeading: "Patient",
  patientRows: { name: "Name", nhsNumber: "NHS number", dateOfBirth: "Date of birth", address: "Address" },
  changePatient: "Choose a different patient",
  kindLegend: "What did the patient ask for?",
  channelLegend: "How did the request come in?",
  takenByLabel: "Who took it?",
  receivedOnLegend: "When did it come in?",
  receivedOnHint: "For a paper form, the day it arrived. For example, 27 3 2026",
  identityLegend: "How did you check who the patient is?",
  notesLabel: "What the patient said (optional)",
  notesHint: "Anything the practice should know when it reviews the request. Do not write down why the patient might be at risk.",
  submit: "Enter the request",
  kindNames: {
    "opt-out": "Opt out: no online access to their GP record",
    "opt-in": "Access: to see their GP record online",
    "withdraw-opt-out": "Withdraw an earlier opt-out",
  } satisfies Record<RequestKind, string>,
  channelNames: { phone: "By phone", paper: "On paper", "in-person": "At the desk" } satisfies Record<StaffChannel, string>,
  identityCheckNames: {
    "record-match": "They gave details that match the record (such as date of birth and address)",
    "photo-id": "I saw photo ID",
    "known-to-staff": "I know the patient",
    vouched: "Someone the practice knows vouched for them",
  } satisfies Record<StaffIdentityCheck, string>,
  errors: {
    patient: "Choose the patient",
    kind: "Choose what the patient asked for",
    channel: "Choose how the request came in",
    takenBy: "Choose who took the request",
    receivedOnInvalid: "The date it came in must be a real date",
    identity: "Choose how you checked who the patient is",
    notesTooLong: "What the patient said must be 2,000 characters or fewer",
  },
};
