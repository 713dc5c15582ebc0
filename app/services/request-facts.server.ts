import type { Executor } from "../../db/executor.server";
import { OPT_OUT_SCOPES, type OptOutScope, type RequestFacts } from "../domain/access-decision";
import { ukLocalDay } from "../domain/calendar";
import { getDecisionOfRequest } from "../models/decisions.server";
import { getPatientForReview, getRequestForReview, listSubmissionsOfRequest, was104RecordedSince } from "../models/request-review.server";
import { accessStateOfPatient } from "./access-states.server";
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
 * A request with its patient, the patient's access state, the decision in force and the facts the
 * rules read. `hadActive104` is the request's stored flag, or true when the patient has an active
 * 104 now or one was recorded since the request arrived; `hadActive104Changed` says the stored
 * flag must be set.
 */
export async function loadRequestParts(tx: Executor, practiceId: string, requestId: string) {
  const request = await getRequestForReview(tx, practiceId, requestId);
  if (!request) return null;
  // Sent together: each round trip to the database costs more than these small reads.
  const [patient, access, decision, submissions, recordedSince] = await Promise.all([
    request.patientId ? getPatientForReview(tx, practiceId, request.patientId) : null,
    request.patientId ? accessStateOfPatient(tx, practiceId, request.patientId) : null,
    getDecisionOfRequest(tx, practiceId, requestId),
    listSubmissionsOfRequest(tx, practiceId, requestId),
    request.patientId && !request.hadActive104
      ? was104RecordedSince(tx, practiceId, request.patientId, { day: ukLocalDay(request.receivedAt), at: request.receivedAt })
      : false,
  ]);
  const hadActive104 = request.hadActive104 || (access?.enhancedReview ?? false) || recordedSince;
  const facts: RequestFacts = {
    kind: request.kind,
    optOutScope: request.kind === "opt-out" ? optOutScopeOf(submissions) : null,
    receivedOn: ukLocalDay(request.receivedAt),
    hadActive104,
    patientState: patient && access ? access.state : null,
    dateOfBirth: patient?.dateOfBirth ?? null,
  };
  return {
    request,
    patient: patient ?? null,
    access: patient ? access : null,
    decision,
    submissions,
    facts,
    hadActive104Changed: hadActive104 && !request.hadActive104,
  };
}

export type RequestParts = NonNullable<Awaited<ReturnType<typeof loadRequestParts>>>;
