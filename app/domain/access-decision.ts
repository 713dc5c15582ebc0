// What a decision on a request may be, and what it means (DESIGN §2, "Safety invariants of a
// decision"). Pure: the service passes in what it knows of the request and the patient and today's
// UK day, and stores only what `checkDecision` returns. The same rules are written as CHECK
// constraints on the decisions table, so no other path can store a contradictory decision.

import type { AccessState } from "./access-state";
import { compareDays, isIsoDay } from "./calendar";
import type { AccessLevel } from "./clinical-system-steps";
import type { CodeKey } from "./codes";
import { ageOn, PROGRAMME_MIN_AGE } from "./eligibility";
import type { TemplateKey } from "./message-templates";
import { isStaffRole, type Actor } from "./roles";
import { needsClinicalSystemAction, OUTCOMES_BY_KIND, type DecisionOutcome, type RequestKind } from "./request-workflow";

/** How staff confirmed who the patient is before deciding. */
export const IDENTITY_METHODS = ["record-match", "photo-id", "known-to-staff", "nhs-login", "vouched", "not-verified"] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

export const COUNSELLING_METHODS = ["in-person", "phone", "video"] as const;
export type CounsellingMethod = (typeof COUNSELLING_METHODS)[number];

/** What a patient opting out asked for: no online services at all, or to keep appointments and repeat prescriptions. */
export const OPT_OUT_SCOPES = ["no-online-access", "keep-appointments-and-prescriptions"] as const;
export type OptOutScope = (typeof OPT_OUT_SCOPES)[number];

/** The longest reason or note kept: a paragraph, not a record. */
export const MAX_DECISION_TEXT = 2000;

export interface RequestFacts {
  kind: RequestKind;
  /** What the patient asked for in an opt-out (null for other kinds; an opt-out without one is a full opt-out). */
  optOutScope: OptOutScope | null;
  /** The UK day the request arrived. */
  receivedOn: string;
  /** The patient had an active 104 when the request arrived or at any step since. */
  hadActive104: boolean;
  /** The patient's access state now; null while no patient is linked. */
  patientState: AccessState | null;
  dateOfBirth: string | null;
}

export interface CounsellingRecord {
  on: string;
  method: CounsellingMethod;
  heldBy: string;
  note: string;
}

/** A decision as staff propose it; everything else is derived. */
export interface DecisionDraft {
  outcome: DecisionOutcome;
  identityMethod: IdentityMethod;
  counselling: CounsellingRecord | null;
  /** Why access is withheld. */
  reason: string | null;
  /** A level other than the derived one, chosen by a clinician, and why. */
  otherAccessLevel: { level: AccessLevel; reason: string } | null;
  notes: string | null;
}

/** A decision that may be stored: the derived code and level included. */
export interface CheckedDecision {
  outcome: DecisionOutcome;
  identityMethod: IdentityMethod;
  codeToEnter: CodeKey | null;
  accessLevel: AccessLevel | null;
  accessLevelReason: string | null;
  optOutScope: OptOutScope | null;
  hadActive104: boolean;
  counselling: CounsellingRecord | null;
  reason: string | null;
  notes: string | null;
  needsClinicalSystemStep: boolean;
}

export type DecisionField =
  | "outcome"
  | "identityMethod"
  | "counselledOn"
  | "counsellingMethod"
  | "counsellingHeldBy"
  | "counsellingNote"
  | "reason"
  | "accessLevel"
  | "accessLevelReason";

export interface DecisionProblem {
  field: DecisionField;
  message: string;
}

export type DecisionCheck = { ok: true; decision: CheckedDecision } | { ok: false; problems: DecisionProblem[] };

export interface ClinicalChange {
  codeToEnter: CodeKey | null;
  /** Null when the outcome changes nothing in the clinical system. */
  accessLevel: AccessLevel | null;
  /** One line for staff: why this code and level. */
  why: string;
  /** Levels a clinician may choose instead, with a reason. */
  otherLevels: readonly AccessLevel[];
}

/** Outcomes that stop at the portal: nothing to enter in the clinical system. */
const UNCHANGED: Omit<ClinicalChange, "why"> = { codeToEnter: null, accessLevel: null, otherLevels: [] };

const HAS_ACTIVE_104: readonly AccessState[] = ["enhanced-review", "conflict"];

/**
 * The code to enter and the access level to set, from what was asked, what was decided and the
 * patient's codes now. The one place these are worked out: the form, the stored decision and the
 * clinical-system step all come from here.
 */
export function deriveClinicalChange(input: {
  outcome: DecisionOutcome;
  optOutScope: OptOutScope | null;
  patientState: AccessState | null;
  /**
   * The request's sticky flag. A patient's own 103 outranks their 104 in the access state, so
   * "declined" can hide an active 104: a grant then needs a 106 as well, or the 104 would stand
   * against the access given by hand.
   */
  hadActive104: boolean;
}): ClinicalChange {
  const { outcome, patientState } = input;
  switch (outcome) {
    case "rejected-unverified":
      return { ...UNCHANGED, why: "Nothing changes: nobody has shown that the record's owner sent this request." };
    case "outside-service":
      return {
        ...UNCHANGED,
        why: "Nothing changes here: access for under-16s and proxy access are arranged in the clinical system.",
      };
    case "opt-out-recorded": {
      const keep = input.optOutScope === "keep-appointments-and-prescriptions";
      const code: CodeKey | null = patientState === "declined" ? null : "103";
      const codeWhy = code === null ? "The patient's latest code is already a 103, which keeps record access off" : "A 103 stops record access";
      return keep
        ? {
            codeToEnter: code,
            accessLevel: "appointments-and-prescriptions",
            otherLevels: ["none"],
            why: `${codeWhy}; the patient asked to keep online appointments and repeat prescriptions.`,
          }
        : { codeToEnter: code, accessLevel: "none", otherLevels: [], why: `${codeWhy}; the patient asked for no online access.` };
    }
    case "granted": {
      if (patientState === "declined" && input.hadActive104) {
        return {
          codeToEnter: "106",
          accessLevel: "prospective-record",
          otherLevels: [],
          why: "The patient's 103 stays on their record, so record access is switched on by hand; a 106 lifts the 104 they had during this request.",
        };
      }
      if (patientState !== null && HAS_ACTIVE_104.includes(patientState)) {
        return {
          codeToEnter: "106",
          accessLevel: "prospective-record",
          otherLevels: [],
          why: "A 106 recorded after the patient's 104 lifts it, so the clinical system gives record access.",
        };
      }
      return {
        codeToEnter: null,
        accessLevel: "prospective-record",
        otherLevels: [],
        why:
          patientState === "declined"
            ? "The patient's 103 stays on their record, so record access is switched on by hand."
            : "The patient has no active 104 or 103: no code is needed for record access.",
      };
    }
    case "withheld": {
      const common = { accessLevel: "appointments-and-prescriptions" as const, otherLevels: ["none"] as const };
      if (patientState === "enhanced-review") return { ...common, codeToEnter: null, why: "The patient's 104 stays active, so record access stays off." };
      if (patientState === "declined") return { ...common, codeToEnter: null, why: "The patient's 103 keeps record access off." };
      if (patientState === "conflict") {
        return { ...common, codeToEnter: "104", why: "A new 104 settles the 104 and 106 recorded at the same time, so record access stays off." };
      }
      return { ...common, codeToEnter: "104", why: "A 104 stops the clinical system giving record access." };
    }
    default: {
      const unhandled: never = outcome;
      throw new Error(`Unhandled decision outcome: ${String(unhandled)}`);
    }
  }
}

/** Whether the patient is under the programme's age on `day` (unknown when no date of birth). */
export function isUnderProgrammeAge(dateOfBirth: string | null, day: string): boolean {
  return dateOfBirth !== null && ageOn(dateOfBirth, day) < PROGRAMME_MIN_AGE;
}

/** A granted decision for a patient who had an active 104 needs a clinician and a counselling conversation. */
export function needsCounselling(outcome: DecisionOutcome, facts: Pick<RequestFacts, "hadActive104">): boolean {
  return outcome === "granted" && facts.hadActive104;
}

/** Outcomes only a clinician may decide for this request. */
export function needsClinician(outcome: DecisionOutcome, facts: Pick<RequestFacts, "hadActive104">): boolean {
  return outcome === "withheld" || needsCounselling(outcome, facts);
}

const hasText = (value: string | null | undefined): value is string => typeof value === "string" && value.trim() !== "";

/** Whether staff filled in any part of the counselling record (a form may send it all blank). */
function isCounsellingGiven(counselling: CounsellingRecord | null): counselling is CounsellingRecord {
  return counselling !== null && [counselling.on, counselling.method, counselling.heldBy, counselling.note].some((part) => hasText(part));
}

function counsellingProblems(counselling: CounsellingRecord | null, facts: RequestFacts, today: string): DecisionProblem[] {
  const problems: DecisionProblem[] = [];
  const on = counselling?.on ?? "";
  if (!isIsoDay(on)) problems.push({ field: "counselledOn", message: "Enter the date of the counselling conversation." });
  else if (compareDays(on, today) > 0) problems.push({ field: "counselledOn", message: "The counselling conversation must have happened: its date cannot be in the future." });
  else if (compareDays(on, facts.receivedOn) < 0) {
    problems.push({ field: "counselledOn", message: "The counselling conversation must be about this request: its date cannot be before the request arrived." });
  }
  if (!counselling || !(COUNSELLING_METHODS as readonly string[]).includes(counselling.method)) {
    problems.push({ field: "counsellingMethod", message: "Choose how the counselling conversation was held: in person, by phone or by video." });
  }
  if (!hasText(counselling?.heldBy)) problems.push({ field: "counsellingHeldBy", message: "Enter who held the counselling conversation." });
  if (!hasText(counselling?.note)) problems.push({ field: "counsellingNote", message: "Enter a note of the counselling conversation." });
  return problems;
}

function tooLong(draft: DecisionDraft): DecisionProblem[] {
  const texts: [DecisionField, string | null | undefined][] = [
    ["reason", draft.reason],
    ["accessLevelReason", draft.otherAccessLevel?.reason],
    ["counsellingHeldBy", draft.counselling?.heldBy],
    ["counsellingNote", draft.counselling?.note],
  ];
  return texts
    .filter(([, text]) => (text ?? "").length > MAX_DECISION_TEXT)
    .map(([field]) => ({ field, message: `Keep this to ${MAX_DECISION_TEXT} characters or fewer.` }));
}

/**
 * Whether `actor` may record `draft` on this request today, and if so the decision to store.
 * Every problem is returned at once, each naming its field.
 */
export function checkDecision(actor: Actor, facts: RequestFacts, draft: DecisionDraft, today: string): DecisionCheck {
  const { outcome } = draft;
  if (!isStaffRole(actor)) {
    return { ok: false, problems: [{ field: "outcome", message: "Only a member of staff can decide a request." }] };
  }
  if (!OUTCOMES_BY_KIND[facts.kind].includes(outcome)) {
    return { ok: false, problems: [{ field: "outcome", message: "This outcome does not apply to this kind of request." }] };
  }
  if (facts.patientState === null && outcome !== "rejected-unverified") {
    return { ok: false, problems: [{ field: "outcome", message: "Confirm who the patient is before deciding the request any way but rejected as unverified." }] };
  }
  const problems: DecisionProblem[] = [...tooLong(draft)];
  // With no date of birth the age is unknown, and nothing but a rejection may rest on it.
  if (facts.dateOfBirth === null && outcome !== "rejected-unverified") {
    problems.push({
      field: "outcome",
      message: `The patient's date of birth is not on record: this service is for patients aged ${PROGRAMME_MIN_AGE} and over. Check it in the clinical system before deciding.`,
    });
  }
  const under16 = isUnderProgrammeAge(facts.dateOfBirth, today);
  if (under16 && outcome !== "outside-service" && outcome !== "rejected-unverified") {
    const age = ageOn(facts.dateOfBirth!, today);
    problems.push({
      field: "outcome",
      message: `The patient is ${age}: this service is for patients aged ${PROGRAMME_MIN_AGE} and over. Record the request as outside this service; access for under-16s and proxy access are arranged in the clinical system.`,
    });
  }
  if (facts.dateOfBirth !== null && !under16 && outcome === "outside-service") {
    problems.push({ field: "outcome", message: `"Outside this service" is only for patients under ${PROGRAMME_MIN_AGE}.` });
  }
  if (needsClinician(outcome, facts) && actor !== "clinician") {
    problems.push({
      field: "outcome",
      message:
        outcome === "withheld"
          ? "Only a clinician can withhold access."
          : "Only a clinician can grant access to this patient, after a counselling conversation.",
    });
  }
  // A counselling record is checked whenever one is given: a stored record is always a true one.
  if (needsCounselling(outcome, facts) || isCounsellingGiven(draft.counselling)) {
    problems.push(...counsellingProblems(draft.counselling, facts, today));
  }
  if (outcome === "withheld" && !hasText(draft.reason)) problems.push({ field: "reason", message: "Enter why access is withheld." });
  if (!(IDENTITY_METHODS as readonly string[]).includes(draft.identityMethod)) {
    problems.push({ field: "identityMethod", message: "Choose how the patient's identity was confirmed." });
  } else if (outcome !== "rejected-unverified" && outcome !== "outside-service" && draft.identityMethod === "not-verified") {
    problems.push({ field: "identityMethod", message: "Choose how the patient's identity was confirmed: a request nobody verified can only be rejected." });
  }

  const change = deriveClinicalChange({
    outcome,
    optOutScope: facts.optOutScope,
    patientState: facts.patientState,
    hadActive104: facts.hadActive104,
  });
  let accessLevel = change.accessLevel;
  let accessLevelReason: string | null = null;
  const other = draft.otherAccessLevel;
  if (other && other.level !== change.accessLevel) {
    if (!change.otherLevels.includes(other.level)) {
      problems.push({ field: "accessLevel", message: "That access level does not go with this outcome." });
    } else if (actor !== "clinician") {
      problems.push({ field: "accessLevel", message: "Only a clinician can choose a different access level." });
    } else if (!hasText(other.reason)) {
      problems.push({ field: "accessLevelReason", message: "Enter why a different access level is needed." });
    } else {
      accessLevel = other.level;
      accessLevelReason = other.reason.trim();
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    decision: {
      outcome,
      identityMethod: draft.identityMethod,
      codeToEnter: change.codeToEnter,
      accessLevel,
      accessLevelReason,
      optOutScope: facts.kind === "opt-out" ? (facts.optOutScope ?? "no-online-access") : null,
      hadActive104: facts.hadActive104,
      // Kept when given, even where not required: it is part of the record (and was checked above).
      counselling: isCounsellingGiven(draft.counselling)
        ? { ...draft.counselling, heldBy: draft.counselling.heldBy.trim(), note: draft.counselling.note.trim() }
        : null,
      reason: hasText(draft.reason) ? draft.reason.trim() : null,
      notes: hasText(draft.notes) ? draft.notes.trim() : null,
      needsClinicalSystemStep: needsClinicalSystemAction(outcome),
    },
  };
}

/** The message that tells the patient this outcome, in words for its exact outcome and scope; null for none. */
export function outcomeTemplateFor(outcome: DecisionOutcome, optOutScope: OptOutScope | null): TemplateKey | null {
  switch (outcome) {
    case "granted":
      return "outcome-access-granted";
    case "withheld":
      return "outcome-access-not-granted";
    case "opt-out-recorded":
      return optOutScope === "keep-appointments-and-prescriptions" ? "outcome-opt-out-keep-appointments" : "outcome-opt-out-recorded";
    case "outside-service":
      return "outcome-outside-service";
    case "rejected-unverified":
      // Nobody has shown that the record's owner sent it.
      return null;
    default: {
      const unhandled: never = outcome;
      throw new Error(`Unhandled decision outcome: ${String(unhandled)}`);
    }
  }
}

/**
 * The message for a decision as stored. A clinician may switch off every online service for a
 * patient who asked to keep appointments and prescriptions; the patient is then told the full
 * opt-out's words, which promise nothing that is not so.
 */
export function outcomeTemplateForDecision(decision: Pick<CheckedDecision, "outcome" | "optOutScope" | "accessLevel">): TemplateKey | null {
  const kept = decision.outcome === "opt-out-recorded" && decision.accessLevel === "none" ? "no-online-access" : decision.optOutScope;
  return outcomeTemplateFor(decision.outcome, kept);
}

export type RequestMoment = "decided" | "actioned";

/**
 * The message to queue at this moment of a decision, or null. The patient is told only what is
 * true: after the practice has done the step in its clinical system, or at the decision when there
 * is none. After a correction, only when the words differ from what the patient was last told.
 */
export function outcomeMessageDue(
  moment: RequestMoment,
  decision: Pick<CheckedDecision, "outcome" | "optOutScope" | "accessLevel">,
  alreadyTold: TemplateKey | null,
): TemplateKey | null {
  const dueAt: RequestMoment = needsClinicalSystemAction(decision.outcome) ? "actioned" : "decided";
  if (moment !== dueAt) return null;
  const template = outcomeTemplateForDecision(decision);
  return template === alreadyTold ? null : template;
}

/** Messages about a request go only to private contact details when the patient had an active 104 during it. */
export function contactRuleFor(facts: Pick<RequestFacts, "hadActive104">): "private-only" | "any-on-record" {
  return facts.hadActive104 ? "private-only" : "any-on-record";
}

/**
 * Where a message about a request goes: the email on record when the rule allows it, else a
 * printed letter from the practice's letters list.
 */
export function messageRoute(
  rule: "private-only" | "any-on-record",
  patient: { email: string | null; contactIsPrivate: boolean },
): { channel: "email"; to: string } | { channel: "letter" } {
  if (patient.email && (rule === "any-on-record" || patient.contactIsPrivate)) return { channel: "email", to: patient.email };
  return { channel: "letter" };
}
