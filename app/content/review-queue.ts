import type { RequestKind, RequestState } from "../domain/request-workflow";

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
};
