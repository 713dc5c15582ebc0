import { isStaffRole, type Actor } from "./roles";

export const REQUEST_KINDS = ["opt-out", "opt-in", "withdraw-opt-out"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const REQUEST_STATES = [
  "received",
  "identity-check",
  "triage",
  "clinician-review",
  "counselling",
  "decided",
  "actioned",
  "closed",
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const OPEN_REQUEST_STATES = [
  "received",
  "identity-check",
  "triage",
  "clinician-review",
  "counselling",
  "decided",
  "actioned",
] as const satisfies readonly RequestState[];
export type OpenRequestState = (typeof OPEN_REQUEST_STATES)[number];

/** How a request came in: from the patient online, or taken by staff on the patient's behalf. */
export const REQUEST_CHANNELS = ["personal-link", "online-form", "phone", "paper", "in-person"] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];
export const STAFF_CHANNELS = ["phone", "paper", "in-person"] as const satisfies readonly RequestChannel[];
export type StaffChannel = (typeof STAFF_CHANNELS)[number];
/** How staff checked who a patient is before entering a request for them (a subset of the decision's identity methods). */
export const STAFF_IDENTITY_CHECKS = ["record-match", "photo-id", "known-to-staff", "vouched"] as const;
export type StaffIdentityCheck = (typeof STAFF_IDENTITY_CHECKS)[number];

/** "outside-service": the patient is under 16; the clinical system's own process applies (DESIGN §2). */
export const DECISION_OUTCOMES = ["granted", "withheld", "opt-out-recorded", "rejected-unverified", "outside-service"] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export function isOpenRequestState(state: RequestState): state is OpenRequestState {
  return state !== "closed";
}

/** Wording for staff screens and refusal reasons. */
export const REQUEST_STATE_LABELS: Record<RequestState, string> = {
  received: "received",
  "identity-check": "identity check",
  triage: "triage",
  "clinician-review": "clinician review",
  counselling: "counselling",
  decided: "decided",
  actioned: "actioned",
  closed: "closed",
};

const NEXT_STATES: Record<RequestState, readonly RequestState[]> = {
  received: ["identity-check", "triage"],
  "identity-check": ["triage", "decided"],
  triage: ["clinician-review", "decided"],
  "clinician-review": ["counselling", "decided"],
  counselling: ["decided"],
  // Back to triage or clinician review: a decision corrected by reopening the request.
  decided: ["actioned", "closed", "identity-check", "triage", "clinician-review"],
  actioned: ["closed", "identity-check", "triage", "clinician-review"],
  closed: ["identity-check", "triage", "clinician-review"],
};

/** Every state the machine can reach in one step, before roles and context are considered. */
export function nextStates(from: RequestState): readonly RequestState[] {
  return NEXT_STATES[from];
}

/** The outcomes that make sense for each kind: an opt-out is never "granted", for example. */
export const OUTCOMES_BY_KIND: Record<RequestKind, readonly DecisionOutcome[]> = {
  "opt-out": ["opt-out-recorded", "rejected-unverified", "outside-service"],
  "opt-in": ["granted", "withheld", "rejected-unverified", "outside-service"],
  "withdraw-opt-out": ["granted", "withheld", "rejected-unverified", "outside-service"],
};

export function isOutcomeAllowedFor(kind: RequestKind, outcome: DecisionOutcome): boolean {
  return OUTCOMES_BY_KIND[kind].includes(outcome);
}

/** Whether a decision leaves work to do in the clinical system before the patient is told. */
export function needsClinicalSystemAction(outcome: DecisionOutcome): boolean {
  switch (outcome) {
    case "granted":
    case "withheld":
    case "opt-out-recorded":
      return true;
    case "rejected-unverified":
    case "outside-service":
      return false;
    default: {
      const unhandled: never = outcome;
      throw new Error(`Unhandled decision outcome: ${String(unhandled)}`);
    }
  }
}

export interface TransitionContext {
  kind: RequestKind;
  /** The patient had an active 104 when the request arrived or at any step since. */
  hadActive104: boolean;
  identityMatched: boolean;
  outcome?: DecisionOutcome;
  /**
   * For a decided request: whether the decision in force was made knowing the patient had an
   * active 104 (the decision's own stored flag). A grant made before a 104 appeared was never
   * counselled, so it cannot be carried out; it must be reopened for a clinician.
   */
  decisionHadActive104?: boolean;
}

/**
 * DESIGN §2: a request for access from a patient who had an active 104 at any point of it always
 * goes to a clinician (an opt-out only takes access away).
 */
export function needsClinicianDecision(ctx: Pick<TransitionContext, "kind" | "hadActive104">): boolean {
  return ctx.kind !== "opt-out" && ctx.hadActive104;
}

/** Where a reopened request goes back to. */
export function reopenTarget(ctx: Pick<TransitionContext, "kind" | "hadActive104" | "identityMatched">): ReopenTarget {
  // A request rejected before anyone knew who sent it goes back to have its patient found.
  if (!ctx.identityMatched) return "identity-check";
  return needsClinicianDecision(ctx) ? "clinician-review" : "triage";
}

export type ReopenTarget = "identity-check" | "triage" | "clinician-review";

/** States before a decision: a new submission of the same kind joins a request in one of these. */
export const UNDECIDED_REQUEST_STATES = ["received", "identity-check", "triage", "clinician-review", "counselling"] as const satisfies readonly RequestState[];

/** States with a decision in force: the only way back is reopening the request to correct it. */
export const DECIDED_STATES = ["decided", "actioned", "closed"] as const satisfies readonly RequestState[];

export function isDecidedState(state: RequestState): boolean {
  return (DECIDED_STATES as readonly RequestState[]).includes(state);
}

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

const ALLOWED: TransitionCheck = { ok: true };

function refuse(reason: string): TransitionCheck {
  return { ok: false, reason };
}

const KIND_LABELS: Record<RequestKind, string> = {
  "opt-out": "an opt-out",
  "opt-in": "an opt-in",
  "withdraw-opt-out": "a withdrawal of an opt-out",
};

const OUTCOME_LABELS: Record<DecisionOutcome, string> = {
  granted: "granted",
  withheld: "withheld",
  "opt-out-recorded": "opt-out recorded",
  "rejected-unverified": "rejected (identity not verified)",
  "outside-service": "outside this service (under 16)",
};

function requireSystem(actor: Actor): TransitionCheck {
  return actor === "system" ? ALLOWED : refuse("Only the portal itself can route a newly received request.");
}

function requireStaff(actor: Actor): TransitionCheck {
  return isStaffRole(actor) ? ALLOWED : refuse("Only a member of staff can make this change.");
}

function requireClinician(actor: Actor, task: string): TransitionCheck {
  return actor === "clinician" ? ALLOWED : refuse(`Only a clinician can ${task}.`);
}

function checkOutcomeForKind(ctx: TransitionContext): TransitionCheck {
  if (ctx.outcome === undefined) return refuse("Choose a decision outcome.");
  if (!isOutcomeAllowedFor(ctx.kind, ctx.outcome)) {
    return refuse(
      `The outcome "${OUTCOME_LABELS[ctx.outcome]}" does not apply to ${KIND_LABELS[ctx.kind]} request.`,
    );
  }
  return ALLOWED;
}

function checkDecision(actor: Actor, ctx: TransitionContext): TransitionCheck {
  const outcomeCheck = checkOutcomeForKind(ctx);
  if (!outcomeCheck.ok) return outcomeCheck;
  if (needsClinicianDecision(ctx)) {
    return requireClinician(actor, "decide a request for access from a patient who had an active 104");
  }
  return ALLOWED;
}

/**
 * Reopening corrects a decision: a manager may, and a clinician for a patient who had an active
 * 104 (whose decisions are theirs to make). It goes back to where a new decision is made.
 */
function checkReopen(actor: Actor, ctx: TransitionContext, to: RequestState): TransitionCheck {
  if (actor !== "manager" && !(actor === "clinician" && ctx.hadActive104)) {
    return refuse(
      ctx.hadActive104
        ? "Only a clinician or a practice manager can reopen this request."
        : "Only a practice manager can reopen a decided request.",
    );
  }
  const target = reopenTarget(ctx);
  return to === target ? ALLOWED : refuse(`A reopened request goes back to ${REQUEST_STATE_LABELS[target]}.`);
}

function firstRefusal(...checks: Array<() => TransitionCheck>): TransitionCheck {
  for (const check of checks) {
    const result = check();
    if (!result.ok) return result;
  }
  return ALLOWED;
}

/**
 * Whether `actor` may move a request from `from` to `to`. Refusal reasons are shown to staff, so
 * they say what to do rather than name the rule.
 */
export function checkTransition(
  from: RequestState,
  to: RequestState,
  actor: Actor,
  ctx: TransitionContext,
): TransitionCheck {
  if (!nextStates(from).includes(to)) {
    return refuse(
      `A request cannot move from ${REQUEST_STATE_LABELS[from]} to ${REQUEST_STATE_LABELS[to]}.`,
    );
  }
  switch (from) {
    case "received":
      return firstRefusal(
        () => requireSystem(actor),
        () => {
          if (to === "triage" && !ctx.identityMatched) {
            return refuse("A request that did not match a patient must go to an identity check first.");
          }
          if (to === "identity-check" && ctx.identityMatched) {
            return refuse("A request that matched a patient goes straight to triage.");
          }
          return ALLOWED;
        },
      );
    case "identity-check":
      if (to === "triage") {
        return firstRefusal(
          () => requireStaff(actor),
          () =>
            ctx.identityMatched
              ? ALLOWED
              : refuse("Confirm the patient's identity before moving the request to triage."),
        );
      }
      return firstRefusal(
        () => requireStaff(actor),
        () =>
          ctx.outcome === "rejected-unverified"
            ? ALLOWED
            : refuse(
                "A request still waiting for an identity check can only be rejected as unverified. Confirm the identity to decide it any other way.",
              ),
        () => checkDecision(actor, ctx),
      );
    case "triage":
      if (to === "clinician-review") return requireStaff(actor);
      return firstRefusal(
        () => requireStaff(actor),
        () =>
          needsClinicianDecision(ctx)
            ? refuse(
                "A request for access from a patient who had an active 104 must go to clinician review before it is decided.",
              )
            : ALLOWED,
        () => checkDecision(actor, ctx),
      );
    case "clinician-review":
      if (to === "counselling") return requireClinician(actor, "arrange counselling");
      return firstRefusal(
        () => requireClinician(actor, "decide a request under clinician review"),
        () => checkDecision(actor, ctx),
      );
    case "counselling":
      return firstRefusal(
        () => requireClinician(actor, "decide a request after counselling"),
        () => checkDecision(actor, ctx),
      );
    case "decided":
      if (to === "identity-check" || to === "triage" || to === "clinician-review") return checkReopen(actor, ctx, to);
      if (to === "actioned") {
        return firstRefusal(
          () => requireStaff(actor),
          () => checkOutcomeForKind(ctx),
          () =>
            ctx.outcome !== undefined && needsClinicalSystemAction(ctx.outcome)
              ? ALLOWED
              : refuse(
                  `A request decided as ${OUTCOME_LABELS[ctx.outcome!]} needs nothing done in the clinical system. Close it instead.`,
                ),
          () =>
            ctx.outcome === "granted" && ctx.hadActive104 && ctx.decisionHadActive104 !== true
              ? refuse(
                  "The patient has had a 104 since access was granted: reopen the request so that a clinician decides it after a counselling conversation.",
                )
              : ALLOWED,
        );
      }
      // Closing tells the patient; the portal or any member of staff may do that.
      return firstRefusal(
        () => checkOutcomeForKind(ctx),
        () =>
          ctx.outcome !== undefined && !needsClinicalSystemAction(ctx.outcome)
            ? ALLOWED
            : refuse("Record the change in the clinical system and mark the request actioned before closing it."),
      );
    case "actioned":
      if (to === "identity-check" || to === "triage" || to === "clinician-review") return checkReopen(actor, ctx, to);
      return ALLOWED;
    case "closed":
      return checkReopen(actor, ctx, to);
    default: {
      const unhandled: never = from;
      throw new Error(`Unhandled request state: ${String(unhandled)}`);
    }
  }
}
