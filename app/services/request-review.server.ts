import type { Executor } from "../../db/executor.server";
import { withPractice } from "../../db/tenancy.server";
import {
  deriveClinicalChange,
  IDENTITY_METHODS,
  isUnderProgrammeAge,
  needsClinician,
  needsCounselling,
  type ClinicalChange,
  type IdentityMethod,
  type OptOutScope,
} from "../domain/access-decision";
import type { AccessState } from "../domain/access-state";
import { ukLocalDay } from "../domain/calendar";
import { clinicalSystemStep, undoStep, type ClinicalSystemStep } from "../domain/clinical-system-steps";
import { ageOn } from "../domain/eligibility";
import { compareIdentity, type Agreement, type ClaimedIdentity, type ComparedField } from "../domain/identity-match";
import { addressLines } from "../domain/postal-address";
import { claimFromAnswers } from "../domain/request-forms";
import {
  checkTransition,
  needsClinicalSystemAction,
  nextStates,
  OUTCOMES_BY_KIND,
  isDecidedState,
  reopenTarget,
  type DecisionOutcome,
  type ReopenTarget,
  type RequestKind,
  type RequestState,
  type TransitionCheck,
  type TransitionContext,
} from "../domain/request-workflow";
import { appendAuditEvent } from "../models/audit.server";
import { listSupersededDecisions, type Decision } from "../models/decisions.server";
import { getPatientsByIds } from "../models/patients.server";
import { listOtherOpenRequests, listRequestEvents } from "../models/request-review.server";
import { listPracticeStaff } from "../models/staff.server";
import { patientToldOf, type PatientTold } from "./outcome-messages.server";
import { searchPatientsAudited, toCandidate, type PatientCandidate, type PatientSearchProblem, type PatientSearchResult } from "./patient-search.server";
import { loadRequestParts, storedSubmission, type PatientRow, type RequestParts, type RequestRow, type SubmissionRow } from "./request-facts.server";
import { canBeAssigned } from "./review-queue.server";
import type { StaffContext } from "./staff-session.server";

export { IDENTITY_METHODS, type IdentityMethod };

// One request as staff work it: what came in, who it is, what this role may do with it now, and
// what the decision in force means (DESIGN §2 "Requests"). The steps that move it are in
// request-steps.server.ts.

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
  /** Whole years today. */
  age: number;
  /** Under 16 today: outside this service. */
  outsideService: boolean;
  address: string[];
  email: string | null;
  mobile: string | null;
  /** The practice has marked the contact details private to the patient. */
  contactIsPrivate: boolean;
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

/** An outcome staff may choose, with what it means for this patient. */
export interface OutcomeChoice {
  outcome: DecisionOutcome;
  change: ClinicalChange;
  needsCounselling: boolean;
  needsClinician: boolean;
}

/** A decision with what it asks of the clinical system and where telling the patient stands. */
export interface DecisionView {
  decision: Decision;
  decidedByName: string | null;
  why: string;
  clinicalStep: ClinicalSystemStep | null;
  told: PatientTold;
}

export interface CorrectedDecision {
  decision: Decision;
  supersededByName: string | null;
  /** What undoes it in the clinical system. */
  undo: ReturnType<typeof undoStep>;
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
    /** The patient had an active 104 when it arrived or at any step since: private contact only, a clinician decides. */
    hadActive104: boolean;
    optOutScope: OptOutScope | null;
  };
  submissions: {
    receivedAt: Date;
    /** How it came in, and for one staff took on the patient's behalf, who took it and who entered it. */
    channel: string | null;
    takenBy: string | null;
    enteredBy: string | null;
    shownReference: string | null;
    answers: Record<string, string>;
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
  current: DecisionView | null;
  corrected: CorrectedDecision[];
  moves: { to: Move; check: TransitionCheck }[];
  /** The outcomes this role may decide now; with the reason when there are none. */
  decide: { choices: OutcomeChoice[]; refusal: string | null; me: string } | null;
  markActioned: TransitionCheck | null;
  close: TransitionCheck | null;
  /** Reopening to correct the decision: whether this role may, and where it goes back to. */
  reopen: { check: TransitionCheck; to: ReopenTarget } | null;
  /** Counselling arranged when the request moved to counselling, to start the decision's record. */
  counselling: { on: string; method: string } | null;
  history: RequestEvent[];
}

/** `linking`: staff are confirming who the patient is in this very step. */
export function transitionContext(parts: Pick<RequestParts, "request" | "facts" | "decision">, outcome?: DecisionOutcome, linking = false): TransitionContext {
  return {
    kind: parts.request.kind,
    hadActive104: parts.facts.hadActive104,
    decisionHadActive104: parts.decision?.hadActive104,
    identityMatched: linking || parts.request.patientId !== null,
    outcome,
  };
}

export function toEvents(rows: Awaited<ReturnType<typeof listRequestEvents>>): RequestEvent[] {
  return rows.map((r) => ({
    occurredAt: r.occurredAt,
    actorName: r.actorName,
    actorRole: r.actorRole,
    action: r.action,
    summary: r.summary as Record<string, unknown>,
  }));
}

function reviewedPatient(patient: PatientRow, access: { state: AccessState; enhancedReview: boolean }, today: string): ReviewedPatient {
  return {
    name: `${patient.givenName} ${patient.familyName}`,
    nhsNumber: patient.nhsNumber,
    dateOfBirth: patient.dateOfBirth,
    age: ageOn(patient.dateOfBirth, today),
    outsideService: isUnderProgrammeAge(patient.dateOfBirth, today),
    address: [...addressLines(patient), ...(patient.postcode ? [patient.postcode] : [])],
    email: patient.email,
    mobile: patient.mobile,
    contactIsPrivate: patient.contactIsPrivate,
    onlineAccount: patient.onlineAccount,
    state: access.state,
    enhancedReview: access.enhancedReview,
  };
}

function submissionsOf(rows: readonly SubmissionRow[]): RequestReview["submissions"] {
  return rows.map((row) => {
    const stored = storedSubmission(row.answers);
    return {
      receivedAt: row.receivedAt,
      channel: stored.channel ?? null,
      takenBy: stored.takenBy?.name ?? null,
      enteredBy: stored.enteredBy?.name ?? null,
      shownReference: stored.shownReference ?? null,
      answers: Object.fromEntries(Object.entries(stored.answers ?? {}).map(([key, value]) => [key, String(value)])),
      identityReasons: stored.identity?.reasons ?? [],
    };
  });
}

function stepFor(context: StaffContext, patient: PatientRow, decision: Decision, today: string): ClinicalSystemStep {
  return clinicalSystemStep({
    system: context.practice.clinicalSystem,
    goLiveDate: context.practice.goLiveDate,
    today,
    onlineAccount: patient.onlineAccount,
    outcome: decision.outcome,
    codeToEnter: decision.codeToEnter,
    accessLevel: decision.accessLevel,
    keeps103: decision.outcome === "granted" && decision.patientState === "declined",
  });
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
  const today = ukLocalDay(now);
  return withPractice(practiceId, async (tx) => {
    const parts = await loadRequestParts(tx, practiceId, requestId);
    if (!parts) return null;
    const { request, patient, access, decision, facts } = parts;
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
    const [eventRows, otherOpenRequests, allStaff, superseded, told] = await Promise.all([
      listRequestEvents(tx, practiceId, requestId),
      request.patientId ? listOtherOpenRequests(tx, practiceId, { patientId: request.patientId, kind: request.kind, exceptId: request.id }) : [],
      listPracticeStaff(tx, practiceId),
      listSupersededDecisions(tx, practiceId, requestId),
      decision ? patientToldOf(tx, practiceId, decision.outcomeMessageId) : null,
    ]);
    const history = toEvents(eventRows);
    const submissions = submissionsOf(parts.submissions);
    const linking =
      request.patientId === null && request.state === "identity-check"
        ? await linkingFor(tx, context, parts, options.find)
        : null;
    const nameOf = (id: string | null) => allStaff.find((m) => m.id === id)?.name ?? null;
    const assignee = allStaff.find((m) => m.id === request.assignedTo);

    const role = context.role;
    const ctx = transitionContext(parts);
    const moves = MOVES.filter((to) => request.state !== to && nextStates(request.state).includes(to) && !isDecidedState(request.state)).map((to) => ({
      to,
      check: checkTransition(request.state, to, role, ctx),
    }));
    let decide: RequestReview["decide"] = null;
    if (nextStates(request.state).includes("decided")) {
      const checks = OUTCOMES_BY_KIND[request.kind].map((outcome) => ({
        outcome,
        check: checkTransition(request.state, "decided", role, transitionContext(parts, outcome)),
      }));
      // Only what the patient's facts allow is offered: no grant for an under-16, no "outside this service" for an adult.
      const under16 = isUnderProgrammeAge(facts.dateOfBirth, today);
      const offered = checks.filter(
        (c) =>
          c.check.ok &&
          (facts.patientState !== null || c.outcome === "rejected-unverified") &&
          (under16 ? c.outcome === "outside-service" || c.outcome === "rejected-unverified" : c.outcome !== "outside-service") &&
          (!needsClinician(c.outcome, facts) || role === "clinician"),
      );
      const firstRefusal = checks.find((c) => !c.check.ok)?.check;
      decide = {
        choices: offered.map(({ outcome }) => ({
          outcome,
          change: deriveClinicalChange({ outcome, optOutScope: facts.optOutScope, patientState: facts.patientState, hadActive104: facts.hadActive104 }),
          needsCounselling: needsCounselling(outcome, facts),
          needsClinician: needsClinician(outcome, facts),
        })),
        refusal: offered.length === 0 && firstRefusal && !firstRefusal.ok ? firstRefusal.reason : null,
        me: context.user.name,
      };
    }
    const decidedCtx = decision ? transitionContext(parts, decision.outcome) : null;
    const markActioned =
      decidedCtx && request.state === "decided" && needsClinicalSystemAction(decision!.outcome)
        ? checkTransition(request.state, "actioned", role, decidedCtx)
        : null;
    const close =
      decidedCtx && (request.state === "actioned" || (request.state === "decided" && !needsClinicalSystemAction(decision!.outcome)))
        ? checkTransition(request.state, "closed", role, decidedCtx)
        : null;
    const reopenTo = reopenTarget(ctx);
    const reopen = decision && isDecidedState(request.state) ? { to: reopenTo, check: checkTransition(request.state, reopenTo, role, ctx) } : null;

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
        hadActive104: facts.hadActive104,
        optOutScope: facts.optOutScope,
      },
      submissions,
      patient: patient && access ? reviewedPatient(patient, access, today) : null,
      identityReasons: patient ? [] : [...new Set(submissions.flatMap((s) => s.identityReasons))],
      linking,
      otherOpenRequests,
      assignedTo: assignee ? { id: assignee.id, name: assignee.name } : null,
      staff: allStaff.filter(canBeAssigned).map((m) => ({ id: m.id, name: m.name })),
      current:
        decision && told
          ? {
              decision,
              decidedByName: nameOf(decision.decidedBy),
              why: whyOf(decision),
              clinicalStep: patient ? stepFor(context, patient, decision, today) : null,
              told,
            }
          : null,
      corrected: superseded.map((d) => ({
        decision: d,
        supersededByName: nameOf(d.supersededBy),
        undo: undoStep({
          system: context.practice.clinicalSystem,
          codeToEnter: d.codeToEnter,
          accessLevel: d.accessLevel,
          actioned: d.actionedAt !== null,
          actionedOn: d.actionedAt ? ukLocalDay(d.actionedAt) : null,
        }),
      })),
      moves,
      decide,
      markActioned,
      close,
      reopen,
      counselling,
      history,
    };
  });
}

/** The one line of why, from what the decision was derived from when it was made. */
function whyOf(decision: Decision): string {
  return deriveClinicalChange({
    outcome: decision.outcome,
    optOutScope: decision.optOutScope as OptOutScope | null,
    patientState: decision.patientState as AccessState | null,
    hadActive104: decision.hadActive104,
  }).why;
}

async function linkingFor(tx: Executor, context: StaffContext, parts: RequestParts, find: string | undefined): Promise<Linking> {
  const stored = parts.submissions.map((row) => storedSubmission(row.answers));
  const claim = stored.map((sub) => claimFromAnswers(sub.answers ?? {})).findLast((c) => c !== null) ?? null;
  const check = checkTransition(parts.request.state, "triage", context.role, transitionContext(parts, undefined, true));
  const search = find?.trim() ? find.trim() : null;
  let found: PatientSearchResult;
  if (search !== null) {
    found = await searchPatientsAudited(tx, context, search, { requestId: parts.request.id, purpose: "link-request" });
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

export type { RequestRow };
