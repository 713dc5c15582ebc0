import { and, asc, eq, inArray, or, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { messages, patients, requests, requestSubmissions } from "../../db/schema";
import type { ListedPatient } from "../domain/identity-match";
import { UNDECIDED_REQUEST_STATES, type RequestChannel, type RequestKind, type RequestState } from "../domain/request-workflow";

// Patient requests and their submissions. Call inside withPractice: row-level
// security then keeps every query to the one practice.

/** Registered, living patients sharing the NHS number or the date of birth with a claim. */
export async function listIdentityCandidates(
  db: Executor,
  practiceId: string,
  claim: { nhsNumber: string | null; dateOfBirth: string },
): Promise<ListedPatient[]> {
  const shared: SQL[] = [eq(patients.dateOfBirth, claim.dateOfBirth)];
  if (claim.nhsNumber) shared.push(eq(patients.nhsNumber, claim.nhsNumber));
  return db
    .select({
      id: patients.id,
      nhsNumber: patients.nhsNumber,
      givenName: patients.givenName,
      familyName: patients.familyName,
      dateOfBirth: patients.dateOfBirth,
      postcode: patients.postcode,
    })
    .from(patients)
    .where(
      and(
        eq(patients.practiceId, practiceId),
        eq(patients.registration, "registered"),
        eq(patients.deceased, false),
        or(...shared),
      ),
    )
    .orderBy(asc(patients.id))
    .limit(50);
}

/** What a request needs to know of a patient: the date of birth to check, the email on record. */
export async function getPatientForRequest(
  db: Executor,
  practiceId: string,
  patientId: string,
): Promise<{ id: string; dateOfBirth: string; email: string | null; contactIsPrivate: boolean } | null> {
  const [row] = await db
    .select({ id: patients.id, dateOfBirth: patients.dateOfBirth, email: patients.email, contactIsPrivate: patients.contactIsPrivate })
    .from(patients)
    .where(and(eq(patients.practiceId, practiceId), eq(patients.id, patientId)));
  return row ?? null;
}

/** The patient's open request of a kind, which a new submission joins. */
export async function findOpenRequest(
  db: Executor,
  practiceId: string,
  patientId: string,
  kind: RequestKind,
): Promise<{ id: string; reference: string; state: RequestState } | null> {
  const [row] = await db
    .select({ id: requests.id, reference: requests.reference, state: requests.state })
    .from(requests)
    .where(
      and(
        eq(requests.practiceId, practiceId),
        eq(requests.patientId, patientId),
        eq(requests.kind, kind),
        // A request already decided is not reopened by a new submission: what the patient asks now
        // is a new request, decided on its own.
        inArray(requests.state, [...UNDECIDED_REQUEST_STATES]),
      ),
    )
    .orderBy(asc(requests.receivedAt))
    .limit(1)
    .for("update");
  return row ?? null;
}

export interface NewRequest {
  practiceId: string;
  reference: string;
  kind: RequestKind;
  state: RequestState;
  patientId: string | null;
  identityMatch: "full" | "partial" | "none";
  channel: RequestChannel;
  /** The member of staff who took a request by phone, on paper or at the desk. */
  enteredBy?: string;
  /** When it came in, if not now: a paper form may have arrived days before it is entered. */
  receivedAt?: Date;
  /** The patient has an active 104 as the request arrives. */
  hadActive104?: boolean;
}

/** The new request's id, or null when the reference is already taken (choose another). */
export async function insertRequest(db: Executor, request: NewRequest): Promise<string | null> {
  const [row] = await db.insert(requests).values(request).onConflictDoNothing({ target: requests.reference }).returning({ id: requests.id });
  return row?.id ?? null;
}

/** Sets the request's sticky "had an active 104" flag (never cleared). */
export async function markRequestHadActive104(db: Executor, practiceId: string, requestId: string): Promise<void> {
  await db
    .update(requests)
    .set({ hadActive104: true })
    .where(and(eq(requests.practiceId, practiceId), eq(requests.id, requestId)));
}

export async function insertRequestSubmission(
  db: Executor,
  submission: { practiceId: string; requestId: string; answers: Record<string, unknown>; receivedAt?: Date },
): Promise<string> {
  const [row] = await db.insert(requestSubmissions).values(submission).returning({ id: requestSubmissions.id });
  return row!.id;
}

/**
 * Queues the "request received" email. The worker sends any queued email
 * that has no campaign. `toAddress` must be the email on the patient's record.
 */
export async function insertRequestReceivedMessage(
  db: Executor,
  message: { practiceId: string; patientId: string; requestId: string; toAddress: string; reference: string; date: string },
): Promise<string> {
  const [row] = await db
    .insert(messages)
    .values({
      practiceId: message.practiceId,
      patientId: message.patientId,
      requestId: message.requestId,
      channel: "email",
      templateKey: "request-received",
      toAddress: message.toAddress,
      variables: { reference: message.reference, date: message.date },
    })
    .returning({ id: messages.id });
  return row!.id;
}
