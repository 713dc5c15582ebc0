import type { Executor } from "../../db/executor.server";
import { OPT_OUT_SCOPES, type OptOutScope, type RequestFacts } from "../domain/access-decision";
import { ukLocalDay } from "../domain/calendar";
import { getDecisionOfRequest } from "../models/decisions.server";
import { effectiveAccessState, had104Since } from "../domain/access-state";
import { recordedAtInstant } from "../domain/recorded-at";
import { getPatientForReview, getRequestForReview, listSubmissionsOfRequest } from "../models/request-review.server";
import { accessHistoryOfPatient } from "./access-states.server";
import type { StoredSubmission } from "./patient-requests.server";

// What the decision rules (app/domain/access-decision.ts) need to know about a request, read in
// the caller's transaction.

export type RequestRow = NonNullable<Awaited<ReturnType<typeof getRequestForReview>>>;
export type PatientRow = NonNullable<Awaited<ReturnType<typeof getPatientForReview>>>;
export type SubmissionRow = Awaited<ReturnType<typeof listSubmissionsOfRequest>>[number];

export function storedSubmission(answers: Record<string, unknown>): Partial<StoredSubmission> {
  return answers as Partial<StoredSubmission>;
}

/** What the patient asked for in an opt-out, from the latest submission that says. */
export function optOutScopeOf(submissions: readonly SubmissionRow[]): OptOutScope | null {
  for (const row of [...submissions].reverse()) {
    const scope = storedSubmission(row.answers).answers?.optOutScope;
    if ((OPT_OUT_SCOPES as readonly string[]).includes(scope ?? "")) return scope as OptOutScope;
  }
  return null;
}

/**
 * The patient's access state now, and whether they had an active 104 at any point since the
 * request arrived (DESIGN §2: decided once, never cleared).
 */
export async function patientAt104(tx: Executor, practiceId: string, patientId: string, receivedAt: Date) {
  const history = await accessHistoryOfPatient(tx, practiceId, patientId);
  return { access: effectiveAccessState(history), had104: had104Since(history, recordedAtInstant(receivedAt)) };
}

/**
 * A request with its patient, the patient's access state, the decision in force and the facts the
 * rules read. `hadActive104` is the request's stored flag, or true when the patient's history
 * shows an active 104 at any point since the request arrived.
 */
export async function loadRequestParts(tx: Executor, practiceId: string, requestId: string) {
  const request = await getRequestForReview(tx, practiceId, requestId);
  if (!request) return null;
  // Sent together: each round trip to the database costs more than these small reads.
  const [patient, at104, decision, submissions] = await Promise.all([
    request.patientId ? getPatientForReview(tx, practiceId, request.patientId) : null,
    request.patientId ? patientAt104(tx, practiceId, request.patientId, request.receivedAt) : null,
    getDecisionOfRequest(tx, practiceId, requestId),
    listSubmissionsOfRequest(tx, practiceId, requestId),
  ]);
  const access = patient && at104 ? at104.access : null;
  const hadActive104 = request.hadActive104 || (at104?.had104 ?? false);
  const facts: RequestFacts = {
    kind: request.kind,
    optOutScope: request.kind === "opt-out" ? optOutScopeOf(submissions) : null,
    receivedOn: ukLocalDay(request.receivedAt),
    hadActive104,
    patientState: access?.state ?? null,
    dateOfBirth: patient?.dateOfBirth ?? null,
  };
  return { request, patient: patient ?? null, access, decision, submissions, facts };
}

export type RequestParts = NonNullable<Awaited<ReturnType<typeof loadRequestParts>>>;
