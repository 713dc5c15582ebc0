import type { CounsellingMethod } from "../domain/access-decision";
import type { AccessLevel } from "../domain/clinical-system-steps";
import { CODES, type CodeKey } from "../domain/codes";
import { formatLongDay } from "../domain/calendar";

// What staff read on a request's page about deciding it (/staff/requests/$id): the decide form,
// the decision in force, whether the patient has been told, and corrections.

/** Access levels as they read mid-sentence: "Access: prospective record." */
export const accessLevelPhrases: Record<AccessLevel, string> = {
  none: "no online access",
  "appointments-and-prescriptions": "appointments and prescriptions only",
  "prospective-record": "prospective record",
};

export const counsellingMethodNames: Record<CounsellingMethod, string> = {
  "in-person": "In person",
  phone: "By phone",
  video: "By video",
};

/** "106 (Review not needed)". */
export function codeWithLabel(code: CodeKey): string {
  return `${code} (${CODES[code].label})`;
}

const ukLongDateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const ukTime = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/**
 * "2 December 2026 at 10:04", UK time. A row read with postgres.js may hold PostgreSQL's text for a
 * timestamp: it is read as an instant first.
 */
export function formatWhen(value: Date | string): string {
  const instant = value instanceof Date ? value : new Date(value.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"));
  return `${ukLongDateTime.format(instant)} at ${ukTime.format(instant)}`;
}

export const decideContent = {
  heading: "Decide",
  outcomeLegend: "Outcome",
  outcomeHint: "What to enter in the clinical system follows from the outcome, what the patient asked for and their codes.",
  /** What a choice means, shown under it. */
  consequence: (change: { codeToEnter: CodeKey | null; accessLevel: AccessLevel | null; why: string }) => {
    if (change.codeToEnter === null && change.accessLevel === null) return `Nothing to enter in the clinical system. Why: ${change.why}`;
    const code = change.codeToEnter === null ? "No code to enter." : `Code to enter: ${codeWithLabel(change.codeToEnter)}.`;
    const level = change.accessLevel === null ? "" : ` Access: ${accessLevelPhrases[change.accessLevel]}.`;
    return `${code}${level} Why: ${change.why}`;
  },
  counsellingIntro: "Needed to grant access: the patient had an active 104 during this request, so record the counselling conversation held with them.",
  counsellingDate: "Date of the counselling conversation",
  counsellingDateHint: "It cannot be in the future, or before the request arrived. For example, 27 3 2026",
  counsellingMethod: "How was it held?",
  counsellingHeldBy: "Who held it?",
  counsellingNote: "Note of the conversation",
  counsellingNoteHint: "What was talked about and agreed. Only staff see this.",
  reasonLabel: "Why is access withheld?",
  reasonHint: "For the practice's record: the message to the patient gives no reason.",
  otherLevelSummary: "Set a different access level",
  otherLevelIntro: (usual: string) => `The level for this outcome is ${usual}. Choose another only when the patient needs it, and say why.`,
  otherLevelLegend: "Access level to set",
  otherLevelUsual: (usual: string) => `${usual} (the level for this outcome)`,
  otherLevelReason: "Why is a different access level needed?",
  identityMethodLegend: "How was the patient's identity confirmed?",
  notesLabel: "Notes (optional)",
  button: "Record the decision",
};

export const decisionContent = {
  heading: "Decision",
  rows: {
    outcome: "Outcome",
    code: "Code to enter",
    accessLevel: "Access level",
    accessLevelReason: "Why a different access level",
    why: "Why",
    identityMethod: "Identity check",
    counselling: "Counselling",
    reason: "Why access is withheld",
    notes: "Notes",
    decided: "Decided",
    actioned: "Done in the clinical system",
    told: "Patient told",
  },
  noCode: "No code",
  noAccessChange: "Nothing changes",
  counsellingNotNeeded: "Not needed",
  counselling: (on: string, method: string, heldBy: string) => `${formatLongDay(on)}, ${method.toLowerCase()}, held by ${heldBy}`,
  counsellingNote: (note: string) => `Note: ${note}`,
  byWhen: (name: string | null, when: string) => (name ? `${when} by ${name}` : when),
  notYet: "Not yet",
  nothingToDo: "Nothing to do in the clinical system",
  stepHeading: "Next step in the clinical system",
};

/** "Patient told", in words, from the real state of the message that tells them the outcome. */
export const toldContent = {
  notYet: (system: string) => `Not yet: the patient is told once this is marked done in ${system}`,
  noMessage: "No message: nobody has shown that the record's owner sent this request",
  notToldAgain: "Not told again: what the patient was last told is still true",
  queued: "Email queued",
  sent: (when: string | null) => (when ? `Email sent ${when}` : "Email sent"),
  failed: (reason: string | null) => (reason ? `Email failed: ${reason}` : "Email failed"),
  unknown: "Email sending was interrupted: it is not known whether it arrived",
  /** The letters page's name is a link when this member of staff may print. */
  needsLetter: { canPrint: "Needs a letter: print it below or from ", cannotPrint: "Needs a letter: reception print it from ", link: "the letters page" },
  letterProduced: (when: string | null) => (when ? `Letter produced ${when}, not yet marked printed` : "Letter produced, not yet marked printed"),
  letterPrinted: (when: string | null) => (when ? `Letter printed ${when}` : "Letter printed"),
  withdrawn: "Withdrawn: the decision was corrected before this went",
  viewEmail: "View the email",
};

export const outcomeLetterContent = {
  button: "Print the outcome letter",
  byLetter: "The outcome goes to this patient by letter.",
  byEmail: "If the patient asks for the outcome on paper as well, print it.",
  again: "Nothing is wrong now: print the outcome letter again.",
};

export const correctionContent = {
  heading: "Earlier decisions (corrected)",
  caption: (outcome: string, when: string) => `${outcome}, decided ${when}`,
  reopenedLabel: "Reopened",
  reopened: (who: string | null, when: string) => (who ? `${when} by ${who}` : when),
  because: "Why",
  what: "What it asked for",
  undoHeading: "To undo it in the clinical system",
  reopenHeading: "Reopen to correct this decision",
  reopenIntro: (to: string) =>
    `The decision stays in the history, marked corrected, and the request goes back to ${to} to be decided again. Anything not yet sent to the patient about it is withdrawn.`,
  reopenReason: "Why does the decision need correcting?",
  reopenButton: "Reopen to correct this decision",
};
