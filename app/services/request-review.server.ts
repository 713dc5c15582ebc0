import type { Executor } from "../../db/executor.server";
import { withPractice } from "../../db/tenancy.server";
import type { AccessState } from "../domain/access-state";
import { formatLongUkDate, ukLocalDay } from "../domain/calendar";
import { clinicalSystemStep, isCodeAllowedFor, type AccessLevel, type ClinicalSystemStep } from "../domain/clinical-system-steps";
import type { CodeKey } from "../domain/codes";
import {
  OUTCOMES_BY_KIND,
  checkTransition,
  needsClinicalSystemAction,
  nextStates,
  type DecisionOutcome,
  type RequestKind,
  type RequestState,
  type TransitionCheck,
  type TransitionContext,
} from "../domain/request-workflow";
import { OUTCOME_TEMPLATES } from "../domain/message-templates";
import { appendAuditEvent } from "../models/audit.server";
import {
  getDecisionOfRequest,
  insertDecision,
  markDecisionActioned,
  markDecisionPatientTold,
  type Decision,
} from "../models/decisions.server";
import { getPatientsByIds } from "../models/patients.server";
import { listPracticeStaff } from "../models/staff.server";
import { canBeAssigned } from "./review-queue.server";
import { compareIdentity, type Agreement, type ClaimedIdentity, type ComparedField } from "../domain/identity-match";
import { claimFromAnswers } from "../domain/request-forms";
import { queueRequestReceived } from "./patient-requests.server";
import { searchPatientsAudited, toCandidate, whyNotForRequests, type PatientCandidate, type PatientSearchProblem, type PatientSearchResult } from "./patient-search.server";
import {
  getPatientForReview,
  getRequestForReview,
  insertOutcomeMessage,
  listOtherOpenRequests,
  listRequestEvents,
  listSubmissionsOfRequest,
  setRequestAssignee,
  transitionRequest,
} from "../models/request-review.server";
import { accessStateOfPatient, emailForPatientMessages } from "./access-states.server";
import type { StoredSubmission } from "./patient-requests.server";
import type { StaffContext } from "./staff-session.server";
import { addressLines } from "../domain/postal-address";

// One request as staff work it: what came in, who it is, what this role may do with it now, and
// the version-checked steps that move it on (DESIGN §2 "Requests").

export const IDENTITY_METHODS = ["record-match", "photo-id", "known-to-staff", "nhs-login", "vouched", "not-verified"] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

/** The states staff move a request to before deciding it. */
export const MOVES = ["triage", "clinician-review", "counselling"] as const satisfies readonly RequestState[];
export type Move = (typeof MOVES)[number];

export interface RequestEvent {
  occurredAt: Date;
  actorName: string | null;
  actorRole: string;
  action: string;
  summary: Record<string, unknown>;
}

export interface ReviewedPatient {
  name: string;
  nhsNumber: string;
  dateOfBirth: string;
  address: string[];
  email: string | null;
  onlineAccount: boolean;
  state: AccessState;
  enhancedReview: boolean;
}

export interface LinkCandidate extends PatientCandidate {
  /** Field by field against what the sender gave; null when the submission holds no such claim. */
  comparison: Record<ComparedField, Agreement> | null;
}

/** For a request not yet linked to a patient: who it might be, for staff to check and link. */
export interface Linking {
  /** What the sender said about themselves, from the latest submission that says it. */
  claim: ClaimedIdentity | null;
  /** The text staff searched for, or null when listing the patients the portal found close. */
  search: string | null;
  problem: PatientSearchProblem | null;
  candidates: LinkCandidate[];
  more: boolean;
  /** Whether this member of staff may link a patient now; with the reason when not. */
  check: TransitionCheck;
}

export interface RequestReview {
  request: {
    id: string;
    reference: string;
    kind: RequestKind;
    state: RequestState;
    channel: string;
    version: number;
    receivedAt: Date;
  };
  submissions: {
    receivedAt: Date;
    /** How it came in, and for one staff took on the patient's behalf, who took it and who entered it. */
    channel: string | null;
    takenBy: string | null;
    enteredBy: string | null;
    shownReference: string | null;
    answers: [string, string][];
    identityReasons: string[];
  }[];
  patient: ReviewedPatient | null;
  /** Why the match was incomplete, from every submission, when no patient is confirmed. */
  identityReasons: string[];
  linking: Linking | null;
  /** The same patient's other open requests of this kind (a second request linked by staff). */
  otherOpenRequests: { id: string; reference: string }[];
  assignedTo: { id: string; name: string } | null;
  /** Who the request can be assigned to: the practice's staff who can sign in here. */
  staff: { id: string; name: string }[];
  decision: Decision | null;
  clinicalStep: ClinicalSystemStep | null;
  moves: { to: Move; check: TransitionCheck }[];
  /** The outcomes this role may decide now; with the reason when there are none. */
  decide: { outcomes: DecisionOutcome[]; refusal: string | null } | null;
  markActioned: TransitionCheck | null;
  close: TransitionCheck | null;
  counselling: { on: string; method: string } | null;
  history: RequestEvent[];
}

export interface DecisionInput {
  outcome: DecisionOutcome;
  codeToEnter: CodeKey | null;
  accessLevel: AccessLevel;
  identityMethod: IdentityMethod;
  notes: string | null;
  counselledOn: string | null;
  counsellingMethod: string | null;
}

export type ReviewStep =
  | { kind: "move"; to: Move; counselling?: { on: string; method: string } }
  /** Staff have checked who sent an unmatched request: it is this patient. Moves it to triage. */
  | { kind: "link"; patientId: string }
  | { kind: "decide"; decision: DecisionInput }
  | { kind: "mark-actioned" }
  | { kind: "close" };

export type ReviewResult =
  | { ok: true }
  | { ok: false; kind: "not-found" }
  | { ok: false; kind: "refused"; reason: string }
  /** Someone else changed the request since the form was shown: what they did, newest first. */
  | { ok: false; kind: "conflict"; theirChanges: RequestEvent[] };

type RequestRow = NonNullable<Awaited<ReturnType<typeof getRequestForReview>>>;
type PatientRow = NonNullable<Awaited<ReturnType<typeof getPatientForReview>>>;

async function loadParts(tx: Executor, practiceId: string, requestId: string) {
  const request = await getRequestForReview(tx, practiceId, requestId);
  if (!request) return null;
  // Sent together: each round trip to the database costs more than these small reads.
  const [patient, access, decision] = await Promise.all([
    request.patientId ? getPatientForReview(tx, practiceId, request.patientId) : null,
    request.patientId ? accessStateOfPatient(tx, practiceId, request.patientId) : null,
    getDecisionOfRequest(tx, practiceId, requestId),
  ]);
  return { request, patient, access: patient ? access : null, decision };
}

/** `linking`: staff are confirming who the patient is in this very step. */
function transitionContext(
  request: RequestRow,
  access: { enhancedReview: boolean } | null,
  outcome?: DecisionOutcome,
  linking = false,
): TransitionContext {
  return {
    kind: request.kind,
    // An unconfirmed patient has no known 104; deciding is then limited to "rejected-unverified".
    enhancedReview: access?.enhancedReview ?? false,
    identityMatched: linking || request.patientId !== null,
    outcome,
  };
}

function toEvents(rows: Awaited<ReturnType<typeof listRequestEvents>>): RequestEvent[] {
  return rows.map((r) => ({
    occurredAt: r.occurredAt,
    actorName: r.actorName,
    actorRole: r.actorRole,
    action: r.action,
    summary: r.summary as Record<string, unknown>,
  }));
}

function reviewedPatient(patient: PatientRow, access: { state: AccessState; enhancedReview: boolean }): ReviewedPatient {
  return {
    name: `${patient.givenName} ${patient.familyName}`,
    nhsNumber: patient.nhsNumber,
    dateOfBirth: patient.dateOfBirth,
    address: [...addressLines(patient), ...(patient.postcode ? [patient.postcode] : [])],
    email: patient.email,
    onlineAccount: patient.onlineAccount,
    state: access.state,
    enhancedReview: access.enhancedReview,
  };
}

function storedSubmission(answers: Record<string, unknown>): Partial<StoredSubmission> {
  return answers as Partial<StoredSubmission>;
}

/**
 * The request page. Viewing it shows a patient's details, so it is audited like a patient look-up.
 * `find` is what staff typed to search for the patient of an unmatched request.
 */
export async function getRequestReview(
  context: StaffContext,
  requestId: string,
  now = new Date(),
  options: { find?: string } = {},
): Promise<RequestReview | null> {
  const practiceId = context.practice.id;
  return withPractice(practiceId, async (tx) => {
    const parts = await loadParts(tx, practiceId, requestId);
    if (!parts) return null;
    const { request, patient, access, decision } = parts;
    // Audited first, so the history below includes this view, as it always has.
    await appendAuditEvent(tx, {
      practiceId,
      actorId: context.user.id,
      actorRole: context.role,
      action: "request.viewed",
      subjectType: "request",
      subjectId: request.id,
      summary: { reference: request.reference, patientId: request.patientId },
    });
    const [submissionRows, eventRows, otherOpenRequests, allStaff] = await Promise.all([
      listSubmissionsOfRequest(tx, practiceId, requestId),
      listRequestEvents(tx, practiceId, requestId),
      request.patientId ? listOtherOpenRequests(tx, practiceId, { patientId: request.patientId, kind: request.kind, exceptId: request.id }) : [],
      listPracticeStaff(tx, practiceId),
    ]);
    const history = toEvents(eventRows);

    const submissions = submissionRows.map((row) => {
      const stored = storedSubmission(row.answers);
      return {
        receivedAt: row.receivedAt,
        channel: stored.channel ?? null,
        takenBy: stored.takenBy?.name ?? null,
        enteredBy: stored.enteredBy?.name ?? null,
        shownReference: stored.shownReference ?? null,
        answers: Object.entries(stored.answers ?? {}).map(([key, value]): [string, string] => [key, String(value)]),
        identityReasons: stored.identity?.reasons ?? [],
      };
    });

    const linking =
      request.patientId === null && request.state === "identity-check"
        ? await linkingFor(tx, context, request, submissionRows, options.find)
        : null;
    const staff = allStaff.filter(canBeAssigned);
    const assignee = allStaff.find((m) => m.id === request.assignedTo);

    const role = context.role;
    const ctx = transitionContext(request, access);
    const moves = MOVES.filter((to) => request.state !== to && nextStates(request.state).includes(to)).map((to) => ({
      to,
      check: checkTransition(request.state, to, role, ctx),
    }));
    let decide: RequestReview["decide"] = null;
    if (nextStates(request.state).includes("decided")) {
      const checks = OUTCOMES_BY_KIND[request.kind].map((outcome) => ({
        outcome,
        check: checkTransition(request.state, "decided", role, transitionContext(request, access, outcome)),
      }));
      const outcomes = checks.filter((c) => c.check.ok).map((c) => c.outcome);
      const firstRefusal = checks.find((c) => !c.check.ok)?.check;
      decide = {
        outcomes,
        refusal: outcomes.length === 0 && firstRefusal && !firstRefusal.ok ? firstRefusal.reason : null,
      };
    }
    const decidedCtx = decision ? transitionContext(request, access, decision.outcome) : null;
    const markActioned =
      decidedCtx && request.state === "decided" && needsClinicalSystemAction(decidedCtx.outcome!)
        ? checkTransition(request.state, "actioned", role, decidedCtx)
        : null;
    const close =
      decidedCtx && (request.state === "actioned" || (request.state === "decided" && !needsClinicalSystemAction(decidedCtx.outcome!)))
        ? checkTransition(request.state, "closed", role, decidedCtx)
        : null;

    const counsellingEvent = history.find((e) => e.action === "request.moved" && e.summary.to === "counselling");
    const counselling =
      counsellingEvent && typeof counsellingEvent.summary.counselledOn === "string"
        ? { on: counsellingEvent.summary.counselledOn, method: String(counsellingEvent.summary.counsellingMethod ?? "") }
        : null;

    return {
      request: {
        id: request.id,
        reference: request.reference,
        kind: request.kind,
        state: request.state,
        channel: request.channel,
        version: request.version,
        receivedAt: request.receivedAt,
      },
      submissions,
      patient: patient && access ? reviewedPatient(patient, access) : null,
      identityReasons: patient ? [] : [...new Set(submissions.flatMap((s) => s.identityReasons))],
      linking,
      otherOpenRequests,
      assignedTo: assignee ? { id: assignee.id, name: assignee.name } : null,
      staff: staff.map((m) => ({ id: m.id, name: m.name })),
      decision,
      clinicalStep:
        decision && patient
          ? clinicalSystemStep({
              system: context.practice.clinicalSystem,
              goLiveDate: context.practice.goLiveDate,
              today: ukLocalDay(now),
              onlineAccount: patient.onlineAccount,
              outcome: decision.outcome,
              codeToEnter: decision.codeToEnter,
              accessLevel: decision.accessLevel,
            })
          : null,
      moves,
      decide,
      markActioned,
      close,
      counselling,
      history,
    };
  });
}

async function linkingFor(
  tx: Executor,
  context: StaffContext,
  request: RequestRow,
  submissionRows: Awaited<ReturnType<typeof listSubmissionsOfRequest>>,
  find: string | undefined,
): Promise<Linking> {
  const stored = submissionRows.map((row) => storedSubmission(row.answers));
  const claim = stored.map((sub) => claimFromAnswers(sub.answers ?? {})).findLast((c) => c !== null) ?? null;
  const check = checkTransition(request.state, "triage", context.role, transitionContext(request, null, undefined, true));
  const search = find?.trim() ? find.trim() : null;
  let found: PatientSearchResult;
  if (search !== null) {
    found = await searchPatientsAudited(tx, context, search, { requestId: request.id, purpose: "link-request" });
  } else {
    const closeIds = [...new Set(stored.flatMap((sub) => sub.identity?.candidateIds ?? []))];
    found = { ok: true, patients: (await getPatientsByIds(tx, context.practice.id, closeIds)).map(toCandidate), more: false };
  }
  return {
    claim,
    search,
    check,
    problem: found.ok ? null : found.problem,
    more: found.ok && found.more,
    candidates: found.ok
      ? found.patients.map((patient) => ({
          ...patient,
          comparison: claim ? compareIdentity(claim, patient) : null,
        }))
      : [],
  };
}

function checkLinkTo(request: RequestRow, patient: PatientRow | null): TransitionCheck {
  if (request.patientId !== null) return { ok: false, reason: "This request is already linked to a patient." };
  if (!patient) return { ok: false, reason: "That patient is not on this practice's list. Search again." };
  const refusal = whyNotForRequests(patient);
  return refusal ? { ok: false, reason: refusal } : { ok: true };
}

function refuseCode(decision: DecisionInput): TransitionCheck {
  return {
    ok: false,
    reason:
      decision.codeToEnter === null
        ? "This outcome needs a code to enter in the clinical system: choose it."
        : `Code ${decision.codeToEnter} does not go with this outcome: choose the code the decision asks for.`,
  };
}

function targetOf(step: ReviewStep): RequestState {
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
    default: {
      const unhandled: never = step;
      throw new Error(`Unhandled review step: ${JSON.stringify(unhandled)}`);
    }
  }
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
  return withPractice(practiceId, async (tx): Promise<ReviewResult> => {
    const parts = await loadParts(tx, practiceId, input.requestId);
    if (!parts) return { ok: false, kind: "not-found" };
    const { request, patient, access, decision } = parts;
    const conflict = async (): Promise<ReviewResult> => ({
      ok: false,
      kind: "conflict",
      theirChanges: toEvents(await listRequestEvents(tx, practiceId, request.id)).filter(
        (e) => typeof e.summary.toVersion === "number" && e.summary.toVersion > input.version,
      ),
    });
    if (request.version !== input.version) return conflict();

    const to = targetOf(step);
    const outcome = step.kind === "decide" ? step.decision.outcome : decision?.outcome;
    const linkTo = step.kind === "link" ? await getPatientForReview(tx, practiceId, step.patientId) : null;
    const transition = checkTransition(request.state, to, context.role, transitionContext(request, access, outcome, step.kind === "link"));
    const check = !transition.ok
      ? transition
      : step.kind === "decide" && !isCodeAllowedFor(step.decision.outcome, step.decision.codeToEnter)
        ? refuseCode(step.decision)
        : step.kind === "link"
          ? checkLinkTo(request, linkTo)
          : transition;
    if (!check.ok) {
      await appendAuditEvent(tx, {
        practiceId,
        actorId: context.user.id,
        actorRole: context.role,
        action: "request.step-refused",
        subjectType: "request",
        subjectId: request.id,
        summary: { reference: request.reference, from: request.state, to, outcome: outcome ?? null, reason: check.reason },
      });
      return { ok: false, kind: "refused", reason: check.reason };
    }

    const toVersion = await transitionRequest(tx, practiceId, {
      id: request.id,
      version: input.version,
      to,
      at: now,
      patientId: linkTo?.id,
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
        summary: { reference: request.reference, from: request.state, to, toVersion, ...summary },
      });

    switch (step.kind) {
      case "move":
        await audit("request.moved", step.counselling ? { counselledOn: step.counselling.on, counsellingMethod: step.counselling.method } : {});
        break;
      case "link": {
        const patient = linkTo!;
        const claim = (await listSubmissionsOfRequest(tx, practiceId, request.id))
          .map((row) => claimFromAnswers(storedSubmission(row.answers).answers ?? {}))
          .findLast((c) => c !== null);
        await audit("request.linked", {
          patientId: patient.id,
          nhsNumber: patient.nhsNumber,
          identityMatch: request.identityMatch,
          comparison: claim ? compareIdentity(claim, patient) : null,
        });
        // Only now is there a record, and an address on it, to tell the patient the request arrived.
        await queueRequestReceived(tx, { practiceId, patientId: patient.id, requestId: request.id, reference: request.reference, now });
        break;
      }
      case "decide": {
        const d = step.decision;
        const decisionId = await insertDecision(tx, {
          practiceId,
          requestId: request.id,
          patientId: request.patientId,
          outcome: d.outcome,
          codeToEnter: d.codeToEnter,
          accessLevel: d.accessLevel,
          identityMethod: d.identityMethod,
          counselledOn: d.counselledOn,
          counsellingMethod: d.counsellingMethod,
          notes: d.notes,
          decidedBy: context.user.id,
          decidedAt: now,
          needsClinicalSystemStep: needsClinicalSystemAction(d.outcome),
        });
        // The version check makes this unreachable in practice; if it happens, undo the move.
        if (decisionId === null) throw new Error(`Request ${request.id} already has a decision.`);
        const messageId = await queueOutcomeMessage(tx, practiceId, request, patient, d.outcome, now);
        await audit("request.decided", {
          decisionId,
          outcome: d.outcome,
          codeToEnter: d.codeToEnter,
          accessLevel: d.accessLevel,
          identityMethod: d.identityMethod,
          outcomeMessageId: messageId,
        });
        break;
      }
      case "mark-actioned":
        await markDecisionActioned(tx, practiceId, request.id, { staffId: context.user.id, at: now });
        await audit("request.actioned", {});
        break;
      case "close":
        await markDecisionPatientTold(tx, practiceId, request.id, now);
        await audit("request.closed", {});
        break;
      default: {
        const unhandled: never = step;
        throw new Error(`Unhandled review step: ${JSON.stringify(unhandled)}`);
      }
    }
    return { ok: true };
  });
}

/**
 * The outcome email, to the address on record when one may be used (DESIGN §2 "Safeguarding").
 * A request rejected as unverified gets none: nobody has shown the record's owner sent it.
 */
async function queueOutcomeMessage(
  tx: Executor,
  practiceId: string,
  request: RequestRow,
  patient: PatientRow | null,
  outcome: DecisionOutcome,
  now: Date,
): Promise<string | null> {
  if (outcome === "rejected-unverified" || !patient) return null;
  const toAddress = await emailForPatientMessages(tx, practiceId, patient);
  if (!toAddress) return null;
  return insertOutcomeMessage(tx, {
    practiceId,
    patientId: patient.id,
    requestId: request.id,
    templateKey: OUTCOME_TEMPLATES[outcome],
    toAddress,
    date: formatLongUkDate(now),
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
