import { withPractice } from "../../db/tenancy.server";
import { checkDecision, isUnderProgrammeAge, type DecisionDraft, type DecisionProblem } from "../domain/access-decision";
import { ukLocalDay } from "../domain/calendar";
import { compareIdentity } from "../domain/identity-match";
import { claimFromAnswers } from "../domain/request-forms";
import { checkTransition, isDecidedState, reopenTarget, type RequestState, type TransitionCheck } from "../domain/request-workflow";
import { appendAuditEvent } from "../models/audit.server";
import { insertDecision, markDecisionActioned, markDecisionPatientTold, supersedeDecision } from "../models/decisions.server";
import {
  cancelPendingOutcomeMessages,
  getPatientForReview,
  getRequestForReview,
  listRequestEvents,
  setRequestAssignee,
  transitionRequest,
} from "../models/request-review.server";
import { listPracticeStaff } from "../models/staff.server";
import { patientToldOf, queueOutcomeMessageIfDue } from "./outcome-messages.server";
import { queueRequestReceived } from "./patient-requests.server";
import { whyNotForRequests } from "./patient-search.server";
import { loadRequestParts, patientAt104, storedSubmission, type PatientRow, type RequestParts, type RequestRow } from "./request-facts.server";
import { toEvents, transitionContext, type Move, type RequestEvent } from "./request-review.server";
import { canBeAssigned } from "./review-queue.server";
import type { StaffContext } from "./staff-session.server";

// The version-checked steps that move a request on (DESIGN §2 "Requests"). What may happen is
// decided by app/domain (request-workflow for the states, access-decision for the decision
// itself); this file only loads the facts, asks, and writes what the answer allows.

export type ReviewStep =
  | { kind: "move"; to: Move; counselling?: { on: string; method: string } }
  /** Staff have checked who sent an unmatched request: it is this patient. Moves it to triage. */
  | { kind: "link"; patientId: string }
  | { kind: "decide"; draft: DecisionDraft }
  | { kind: "mark-actioned" }
  | { kind: "close" }
  /** Corrects a decision: it stays in the history, superseded, and the request is decided again. */
  | { kind: "reopen"; reason: string };

export type ReviewResult =
  | { ok: true }
  | { ok: false; kind: "not-found" }
  | { ok: false; kind: "refused"; reason: string }
  /** The decision as entered breaks a rule: each problem names its field. */
  | { ok: false; kind: "invalid"; problems: DecisionProblem[] }
  /** Someone else changed the request since the form was shown: what they did, newest first. */
  | { ok: false; kind: "conflict"; theirChanges: RequestEvent[] };

function checkLinkTo(request: RequestRow, patient: PatientRow | null): TransitionCheck {
  if (request.patientId !== null) return { ok: false, reason: "This request is already linked to a patient." };
  if (!patient) return { ok: false, reason: "That patient is not on this practice's list. Search again." };
  const refusal = whyNotForRequests(patient);
  return refusal ? { ok: false, reason: refusal } : { ok: true };
}

function targetOf(step: ReviewStep, parts: { request: RequestRow; facts: { hadActive104: boolean } }): RequestState {
  switch (step.kind) {
    case "move":
      return step.to;
    case "link":
      return "triage";
    case "decide":
      return "decided";
    case "mark-actioned":
      return "actioned";
    case "close":
      return "closed";
    case "reopen":
      return reopenTarget({ kind: parts.request.kind, hadActive104: parts.facts.hadActive104, identityMatched: parts.request.patientId !== null });
    default: {
      const unhandled: never = step;
      throw new Error(`Unhandled review step: ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * Checks that are about the kind of step and the decision in force rather than the states (the
 * states are checkTransition's).
 */
function checkStepKind(step: ReviewStep, parts: RequestParts, today: string): TransitionCheck {
  const from = parts.request.state;
  const { decision } = parts;
  if (step.kind === "move" && isDecidedState(from)) {
    return { ok: false, reason: "This request has a decision: reopen it, with a reason, to decide it again." };
  }
  if (step.kind === "reopen" && step.reason.trim() === "") return { ok: false, reason: "Enter why the decision needs correcting." };
  if (step.kind === "mark-actioned" && decision) {
    // Recorded before the portal checked decisions (migration 0009): it may contradict itself.
    if (decision.legacy) {
      return { ok: false, reason: "This decision was recorded before the portal checked decisions: reopen the request and decide it again before doing anything in the clinical system." };
    }
    // A date of birth corrected by an import since the decision: the patient is under 16.
    if (decision.outcome !== "outside-service" && decision.outcome !== "rejected-unverified" && isUnderProgrammeAge(parts.facts.dateOfBirth, today)) {
      return { ok: false, reason: "The patient's record now shows they are under 16: reopen the request and record it as outside this service." };
    }
  }
  return { ok: true };
}

/**
 * Takes one step on a request that the form showed at `version`. Everything happens in one
 * transaction: the version-checked update first, so that a second person's step writes nothing.
 */
export async function takeReviewStep(
  context: StaffContext,
  input: { requestId: string; version: number; step: ReviewStep },
  now = new Date(),
): Promise<ReviewResult> {
  const practiceId = context.practice.id;
  const { step } = input;
  const today = ukLocalDay(now);
  return withPractice(practiceId, async (tx): Promise<ReviewResult> => {
    const parts = await loadRequestParts(tx, practiceId, input.requestId);
    if (!parts) return { ok: false, kind: "not-found" };
    const { request, patient, decision, facts } = parts;
    const conflict = async (): Promise<ReviewResult> => ({
      ok: false,
      kind: "conflict",
      theirChanges: toEvents(await listRequestEvents(tx, practiceId, request.id)).filter(
        (e) => typeof e.summary.toVersion === "number" && e.summary.toVersion > input.version,
      ),
    });
    if (request.version !== input.version) return conflict();

    const to = targetOf(step, parts);
    const outcome = step.kind === "decide" ? step.draft.outcome : decision?.outcome;
    const linkTo = step.kind === "link" ? await getPatientForReview(tx, practiceId, step.patientId) : null;
    const refused = (reason: string, extra: Record<string, unknown> = {}) =>
      appendAuditEvent(tx, {
        practiceId,
        actorId: context.user.id,
        actorRole: context.role,
        action: "request.step-refused",
        subjectType: "request",
        subjectId: request.id,
        summary: { reference: request.reference, from: request.state, to, outcome: outcome ?? null, reason, ...extra },
      });
    // Closing says the patient has been told: not while their outcome letter waits to be printed.
    const told = step.kind === "close" ? await patientToldOf(tx, practiceId, decision?.outcomeMessageId ?? null) : null;
    const checks = [
      told?.state === "needs-letter"
        ? { ok: false as const, reason: "Print the outcome letter first: until then the patient has not been told." }
        : { ok: true as const },
      checkStepKind(step, parts, today),
      checkTransition(request.state, to, context.role, transitionContext(parts, outcome, step.kind === "link")),
      step.kind === "link" ? checkLinkTo(request, linkTo) : { ok: true as const },
    ];
    const failed = checks.find((c) => !c.ok);
    if (failed && !failed.ok) {
      await refused(failed.reason);
      return { ok: false, kind: "refused", reason: failed.reason };
    }
    const checked = step.kind === "decide" ? checkDecision(context.role, facts, step.draft, today) : null;
    if (checked && !checked.ok) {
      await refused(checked.problems.map((p) => p.message).join(" "), { fields: checked.problems.map((p) => p.field) });
      return { ok: false, kind: "invalid", problems: checked.problems };
    }

    // Linking learns whether the patient has an active 104 now; either way the flag is only ever set.
    const linkedAt104 = linkTo ? (await patientAt104(tx, practiceId, linkTo.id, request.receivedAt)).had104 : false;
    const hadActive104 = facts.hadActive104 || linkedAt104;
    const toVersion = await transitionRequest(tx, practiceId, {
      id: request.id,
      version: input.version,
      to,
      at: now,
      patientId: linkTo?.id,
      hadActive104: hadActive104 && !request.hadActive104,
    });
    if (toVersion === null) return conflict();
    const audit = (action: string, summary: Record<string, unknown>) =>
      appendAuditEvent(tx, {
        practiceId,
        actorId: context.user.id,
        actorRole: context.role,
        action,
        subjectType: "request",
        subjectId: request.id,
        summary: { reference: request.reference, from: request.state, to, toVersion, patientId: linkTo?.id ?? request.patientId, ...summary },
      });

    switch (step.kind) {
      case "move":
        await audit("request.moved", step.counselling ? { counselledOn: step.counselling.on, counsellingMethod: step.counselling.method } : {});
        break;
      case "link": {
        const linked = linkTo!;
        const claim = parts.submissions.map((row) => claimFromAnswers(storedSubmission(row.answers).answers ?? {})).findLast((c) => c !== null);
        await audit("request.linked", {
          nhsNumber: linked.nhsNumber,
          identityMatch: request.identityMatch,
          comparison: claim ? compareIdentity(claim, linked) : null,
          hadActive104,
        });
        // Only now is there a record, and an address on it, to tell the patient the request arrived.
        await queueRequestReceived(tx, { practiceId, patientId: linked.id, requestId: request.id, reference: request.reference, hadActive104, now });
        break;
      }
      case "decide": {
        const d = checked!.ok ? checked!.decision : null;
        if (!d) throw new Error("unreachable: a refused decision returned above");
        const decisionId = await insertDecision(tx, {
          practiceId,
          requestId: request.id,
          patientId: request.patientId,
          outcome: d.outcome,
          codeToEnter: d.codeToEnter,
          accessLevel: d.accessLevel,
          accessLevelReason: d.accessLevelReason,
          identityMethod: d.identityMethod,
          optOutScope: d.optOutScope,
          hadActive104: d.hadActive104,
          patientState: facts.patientState,
          counselledOn: d.counselling?.on ?? null,
          counsellingMethod: d.counselling?.method ?? null,
          counsellingHeldBy: d.counselling?.heldBy ?? null,
          counsellingNote: d.counselling?.note ?? null,
          reason: d.reason,
          notes: d.notes,
          decidedBy: context.user.id,
          decidedAt: now,
          needsClinicalSystemStep: d.needsClinicalSystemStep,
        });
        // The version check makes this unreachable in practice; if it happens, undo the move.
        if (decisionId === null) throw new Error(`Request ${request.id} already has a decision in force.`);
        const told = patient
          ? await queueOutcomeMessageIfDue(tx, { practiceId, goLiveDate: context.practice.goLiveDate, requestId: request.id, decision: { id: decisionId, ...d }, patient, moment: "decided", now })
          : null;
        await audit("request.decided", {
          decisionId,
          outcome: d.outcome,
          codeToEnter: d.codeToEnter,
          accessLevel: d.accessLevel,
          accessLevelReason: d.accessLevelReason,
          optOutScope: d.optOutScope,
          identityMethod: d.identityMethod,
          counselledOn: d.counselling?.on ?? null,
          counsellingMethod: d.counselling?.method ?? null,
          counsellingHeldBy: d.counselling?.heldBy ?? null,
          reason: d.reason,
          outcomeMessageId: told?.messageId ?? null,
          channel: told?.channel ?? null,
        });
        break;
      }
      case "mark-actioned": {
        await markDecisionActioned(tx, practiceId, request.id, { staffId: context.user.id, at: now });
        // Only now is the outcome true: the patient is told it.
        const told =
          decision && patient
            ? await queueOutcomeMessageIfDue(tx, {
                practiceId,
                goLiveDate: context.practice.goLiveDate,
                requestId: request.id,
                decision: { ...decision, hadActive104: decision.hadActive104 || hadActive104 },
                patient,
                moment: "actioned",
                now,
              })
            : null;
        await audit("request.actioned", { decisionId: decision?.id ?? null, outcomeMessageId: told?.messageId ?? null, channel: told?.channel ?? null });
        break;
      }
      case "close":
        await markDecisionPatientTold(tx, practiceId, request.id, now);
        await audit("request.closed", {});
        break;
      case "reopen": {
        const supersededDecisionId = await supersedeDecision(tx, practiceId, request.id, { staffId: context.user.id, at: now, reason: step.reason.trim() });
        const cancelled = await cancelPendingOutcomeMessages(tx, practiceId, request.id);
        await audit("request.reopened", { reason: step.reason.trim(), supersededDecisionId, cancelledMessageIds: cancelled });
        break;
      }
      default: {
        const unhandled: never = step;
        throw new Error(`Unhandled review step: ${JSON.stringify(unhandled)}`);
      }
    }
    return { ok: true };
  });
}

export type AssignResult = { ok: true } | { ok: false; kind: "not-found" } | { ok: false; kind: "refused"; reason: string };
/**
 * Gives a request to a member of staff, or to nobody. Not version-checked: who is working on a
 * request never conflicts with what is decided on it. Audited.
 */
export async function assignRequest(context: StaffContext, input: { requestId: string; assignTo: string | null }): Promise<AssignResult> {
  const practiceId = context.practice.id;
  return withPractice(practiceId, async (tx): Promise<AssignResult> => {
    const request = await getRequestForReview(tx, practiceId, input.requestId);
    if (!request) return { ok: false, kind: "not-found" };
    if (request.state === "closed") return { ok: false, kind: "refused", reason: "This request is closed: there is nothing left to assign." };
    const member = input.assignTo ? (await listPracticeStaff(tx, practiceId)).find((m) => m.id === input.assignTo) : null;
    if (input.assignTo && (!member || !canBeAssigned(member))) {
      return { ok: false, kind: "refused", reason: "Choose someone who works at this practice and can sign in." };
    }
    await setRequestAssignee(tx, practiceId, request.id, input.assignTo);
    await appendAuditEvent(tx, {
      practiceId,
      actorId: context.user.id,
      actorRole: context.role,
      action: "request.assigned",
      subjectType: "request",
      subjectId: request.id,
      summary: { reference: request.reference, from: request.assignedTo, to: input.assignTo, toName: member?.name ?? null },
    });
    return { ok: true };
  });
}
