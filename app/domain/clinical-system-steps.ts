// The exact next step in the practice's clinical system once a request is decided (DESIGN §2,
// "Clinical-system instructions"). Pure: the caller passes today's date and the patient's
// online-account flag from the latest import.
import { CODES, type CodeKey } from "./codes";
import { needsClinicalSystemAction, type DecisionOutcome } from "./request-workflow";

export const CLINICAL_SYSTEMS = ["emis", "tpp"] as const;
export type ClinicalSystem = (typeof CLINICAL_SYSTEMS)[number];

export const ACCESS_LEVELS = ["none", "appointments-and-prescriptions", "prospective-record"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export const CLINICAL_SYSTEM_NAMES: Record<ClinicalSystem, string> = {
  emis: "EMIS Web",
  tpp: "SystmOne",
};

export type GoLivePhase = "before-go-live" | "after-go-live";

export interface ClinicalSystemStepInput {
  system: ClinicalSystem;
  /** The practice's go-live date for prospective access (ISO day), or null if not set. */
  goLiveDate: string | null;
  /** Today as an ISO day in the UK. */
  today: string;
  onlineAccount: boolean;
  outcome: DecisionOutcome;
  codeToEnter: CodeKey | null;
  /** Null for an outcome that changes nothing in the clinical system. */
  accessLevel: AccessLevel | null;
  /** The patient's latest code is a 103 that stays: the clinical system will not give record access by itself. */
  keeps103?: boolean;
}

export type ClinicalSystemStep =
  | { kind: "nothing-to-do"; summary: string }
  | {
      kind: "action";
      system: ClinicalSystem;
      phase: GoLivePhase;
      /** True when someone must change the online account's settings by hand. */
      changeAccessByHand: boolean;
      summary: string;
      /** Numbered instructions, in the order staff carry them out. */
      steps: string[];
    };

/**
 * A practice with no go-live date is treated as live: the live instructions include the manual
 * access check, so the cautious reading never leaves an existing account with the wrong access.
 */
export function goLivePhase(goLiveDate: string | null, today: string): GoLivePhase {
  if (goLiveDate === null) return "after-go-live";
  // ISO days compare correctly as strings.
  return today < goLiveDate ? "before-go-live" : "after-go-live";
}

interface SystemWording {
  enterCode: (code: CodeKey) => string;
  /** Where the patient's online account settings live. */
  accountSettings: string;
  setRecordAccess: (level: AccessLevel) => string;
  accountWord: string;
}

const EMIS_RECORD_ACCESS: Record<AccessLevel, string> = {
  none: `untick "Appointments", "Repeat Prescriptions" and "Medical Record" so that no online service remains`,
  "appointments-and-prescriptions": `keep "Appointments" and "Repeat Prescriptions" ticked and untick "Medical Record"`,
  "prospective-record": `tick "Medical Record", choose "Detailed Coded Record" (prospective, from today) and save`,
};

const TPP_RECORD_ACCESS: Record<AccessLevel, string> = {
  none: `untick "Appointments" and "Repeat medication" and set "Record access" to "No access"`,
  "appointments-and-prescriptions": `keep "Appointments" and "Repeat medication" ticked and set "Record access" to "No access"`,
  "prospective-record": `set "Record access" to "Prospective" ("Detailed coded record from" today's date)`,
};

const WORDING: Record<ClinicalSystem, SystemWording> = {
  emis: {
    enterCode: (code) =>
      `In EMIS Web, open the patient's Care Record, choose Consultations > Add, search for "${CODES[code].conceptId}" (${CODES[code].term}), add it and save the consultation.`,
    accountSettings: `In EMIS Web, go to Registration, find the patient, open "Online Users" and choose "Edit" on their online account`,
    setRecordAccess: (level) => EMIS_RECORD_ACCESS[level],
    accountWord: "online user account",
  },
  tpp: {
    enterCode: (code) =>
      `In SystmOne, retrieve the patient, start a New Journal entry ("Record Clinical Code"), enter "${CODES[code].conceptId}" (${CODES[code].term}) and save the record.`,
    accountSettings: `In SystmOne, with the patient retrieved, open Online Services > "Online Services Account" and choose "Amend"`,
    setRecordAccess: (level) => TPP_RECORD_ACCESS[level],
    accountWord: "Online Services account",
  },
};

/** The next step in the clinical system for a decision, worded for the practice's system. */
export function clinicalSystemStep(input: ClinicalSystemStepInput): ClinicalSystemStep {
  if (!needsClinicalSystemAction(input.outcome) || input.accessLevel === null) {
    return {
      kind: "nothing-to-do",
      summary:
        input.outcome === "outside-service"
          ? `Nothing to do here: access for under-16s and proxy access are arranged through ${CLINICAL_SYSTEM_NAMES[input.system]}'s own process.`
          : "Nothing to do in the clinical system: the request was not verified.",
    };
  }
  const wording = WORDING[input.system];
  const systemName = CLINICAL_SYSTEM_NAMES[input.system];
  const phase = goLivePhase(input.goLiveDate, input.today);
  const steps: string[] = [];
  steps.push(
    input.codeToEnter === null ? `No code to enter in ${systemName}.` : wording.enterCode(input.codeToEnter),
  );

  const targetLevel = input.accessLevel;
  // A grant that leaves a 103 in place is never given by the clinical system itself.
  const grantOver103 = input.outcome === "granted" && input.keeps103 === true;
  // No code switches off appointments and prescriptions: an existing account loses them only by
  // hand, before go-live as after.
  const switchOffEveryService = targetLevel === "none" && input.onlineAccount;
  const changeAccessByHand = (phase === "after-go-live" && input.onlineAccount) || grantOver103 || switchOffEveryService;

  if (grantOver103) {
    steps.push(
      input.onlineAccount
        ? `${wording.accountSettings}, then ${wording.setRecordAccess(targetLevel)}.`
        : `The patient's 103 stays on their record, so ${systemName} will not give record access by itself: when they create an online account, ${wording.setRecordAccess(targetLevel)}.`,
    );
  } else if (phase === "before-go-live" && !switchOffEveryService) {
    steps.push(beforeGoLiveNote(input.outcome, input.codeToEnter, systemName));
  } else if (input.onlineAccount) {
    steps.push(`${wording.accountSettings}, then ${wording.setRecordAccess(targetLevel)}.`);
    steps.push(
      `The patient already has an ${wording.accountWord}, so ${systemName} will not change their access by itself: check the setting has saved before marking this done.`,
    );
  } else {
    steps.push(noAccountNote(input.outcome, input.codeToEnter, systemName));
  }

  return {
    kind: "action",
    system: input.system,
    phase,
    changeAccessByHand,
    summary: summaryOf(input.outcome, input.codeToEnter, systemName, changeAccessByHand),
    steps,
  };
}

function beforeGoLiveNote(outcome: DecisionOutcome, code: CodeKey | null, systemName: string): string {
  if (outcome === "granted") {
    return code === "106"
      ? `Before go-live, a 106 recorded after the 104 is enough: ${systemName} gives prospective access at go-live. Make sure the 106 is dated after the patient's latest 104.`
      : `Before go-live, nothing else is needed: ${systemName} gives prospective access at go-live to patients without an active 104 or 103.`;
  }
  if (outcome === "opt-out-recorded") {
    return `Before go-live, the 103 is enough: ${systemName} will not give this patient prospective access at go-live.`;
  }
  return `Before go-live, make sure the patient's latest code is a 104 or 103 so that ${systemName} does not give prospective access at go-live.`;
}

function noAccountNote(outcome: DecisionOutcome, code: CodeKey | null, systemName: string): string {
  if (outcome === "granted") {
    return code === "106"
      ? `The patient has no online account yet: with the 106 recorded after the 104, ${systemName} provisions prospective access when they first sign in with NHS login.`
      : `The patient has no online account yet: ${systemName} provisions prospective access when they first sign in with NHS login.`;
  }
  if (outcome === "opt-out-recorded") {
    return `The patient has no online account yet: with the 103 recorded, ${systemName} will not give record access if they later sign in with NHS login.`;
  }
  return `The patient has no online account yet: with a 104 or 103 as their latest code, ${systemName} will not give record access if they later sign in with NHS login.`;
}

function summaryOf(
  outcome: DecisionOutcome,
  code: CodeKey | null,
  systemName: string,
  byHand: boolean,
): string {
  const codePart = code === null ? "" : `Enter code ${code} (${CODES[code].label})`;
  const accessPart = byHand ? "change the patient's online access by hand" : "";
  const parts = [codePart, accessPart].filter((part) => part !== "");
  if (parts.length === 0) {
    return outcome === "granted"
      ? `Nothing to enter in ${systemName}: access follows at go-live or first NHS login.`
      : `Nothing to enter in ${systemName}.`;
  }
  const joined = parts.join(", then ");
  return `${joined.charAt(0).toUpperCase()}${joined.slice(1)} in ${systemName}.`;
}

export interface UndoStepInput {
  system: ClinicalSystem;
  /** What the superseded decision asked for, and whether staff marked it done. */
  codeToEnter: CodeKey | null;
  accessLevel: AccessLevel | null;
  actioned: boolean;
  /** The day it was marked done (ISO), for finding the entry. */
  actionedOn: string | null;
}

/**
 * What undoes a superseded decision in the clinical system. A code entered for it is marked as
 * entered in error (both systems keep such entries out of the record's logic), and access changed by
 * hand goes back as it was; then the new decision's own step applies.
 */
export function undoStep(input: UndoStepInput): { kind: "nothing-to-do"; summary: string } | { kind: "action"; summary: string; steps: string[] } {
  const systemName = CLINICAL_SYSTEM_NAMES[input.system];
  if (!input.actioned) {
    return {
      kind: "nothing-to-do",
      summary: `The earlier decision was not marked done in ${systemName}: if its step was started, do not finish it.`,
    };
  }
  if (input.codeToEnter === null && input.accessLevel === null) {
    return { kind: "nothing-to-do", summary: `The earlier decision changed nothing in ${systemName}.` };
  }
  const on = input.actionedOn ? ` on ${input.actionedOn}` : "";
  const steps: string[] = [];
  if (input.codeToEnter !== null) {
    const code = CODES[input.codeToEnter];
    steps.push(
      input.system === "emis"
        ? `In EMIS Web, open the patient's Care Record, find the ${input.codeToEnter} (${code.term}) entered${on} for this request, and choose "Delete" with the reason "entered in error".`
        : `In SystmOne, find the ${input.codeToEnter} (${code.term}) entered${on} for this request in the journal, and choose "Mark as entered in error".`,
    );
  }
  if (input.accessLevel !== null) {
    steps.push(`${WORDING[input.system].accountSettings}, and put the online access back as it was before${on}.`);
  }
  steps.push("Then carry out the step for the new decision.");
  return { kind: "action", summary: `Undo the earlier decision in ${systemName} first.`, steps };
}
