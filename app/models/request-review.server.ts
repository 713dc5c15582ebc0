import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { auditEvents, messages, patients, requests, requestSubmissions, staffUsers } from "../../db/schema";
import type { TemplateKey } from "../domain/message-templates";
import { OPEN_REQUEST_STATES, type RequestKind, type RequestState } from "../domain/request-workflow";

// One request as staff review it, and the version-checked writes that move it. Call inside
// withPractice: row-level security keeps every query to the one practice.

export async function getRequestForReview(db: Executor, practiceId: string, requestId: string) {
  const [row] = await db
    .select({
      id: requests.id,
      reference: requests.reference,
      kind: requests.kind,
      state: requests.state,
      patientId: requests.patientId,
      identityMatch: requests.identityMatch,
      channel: requests.channel,
      assignedTo: requests.assignedTo,
      version: requests.version,
      receivedAt: requests.receivedAt,
      updatedAt: requests.updatedAt,
      closedAt: requests.closedAt,
    })
    .from(requests)
    .where(and(eq(requests.practiceId, practiceId), eq(requests.id, requestId)));
  return row ?? null;
}

export async function listSubmissionsOfRequest(db: Executor, practiceId: string, requestId: string) {
  return db
    .select({ id: requestSubmissions.id, answers: requestSubmissions.answers, receivedAt: requestSubmissions.receivedAt })
    .from(requestSubmissions)
    .where(and(eq(requestSubmissions.practiceId, practiceId), eq(requestSubmissions.requestId, requestId)))
    .orderBy(asc(requestSubmissions.receivedAt), asc(requestSubmissions.id));
}

export async function getPatientForReview(db: Executor, practiceId: string, patientId: string) {
  const [row] = await db
    .select()
    .from(patients)
    .where(and(eq(patients.practiceId, practiceId), eq(patients.id, patientId)));
  return row ?? null;
}

/**
 * Moves a request on only if nobody has changed it since `version` was read. The new version, or
 * null when someone else got there first. Under READ COMMITTED a second concurrent update waits
 * for the first to commit, then re-checks the version and matches nothing.
 */
export async function transitionRequest(
  db: Executor,
  practiceId: string,
  change: { id: string; version: number; to: RequestState; at: Date; /** Staff linking the patient. */ patientId?: string },
): Promise<number | null> {
  const [row] = await db
    .update(requests)
    .set({
      ...(change.patientId ? { patientId: change.patientId } : {}),
      state: change.to,
      version: sql`${requests.version} + 1`,
      updatedAt: change.at,
      closedAt: change.to === "closed" ? change.at : null,
    })
    .where(and(eq(requests.practiceId, practiceId), eq(requests.id, change.id), eq(requests.version, change.version)))
    .returning({ version: requests.version });
  return row?.version ?? null;
}

/** The audited history of a request, newest first, with who did each step. */
export async function listRequestEvents(db: Executor, practiceId: string, requestId: string, limit = 50) {
  return db
    .select({
      occurredAt: auditEvents.occurredAt,
      actorName: staffUsers.name,
      actorRole: auditEvents.actorRole,
      action: auditEvents.action,
      summary: auditEvents.summary,
    })
    .from(auditEvents)
    .leftJoin(staffUsers, eq(staffUsers.id, auditEvents.actorId))
    .where(
      and(
        eq(auditEvents.practiceId, practiceId),
        eq(auditEvents.subjectType, "request"),
        eq(auditEvents.subjectId, requestId),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

/**
 * Queues the patient's outcome email; the worker sends any queued email that has no campaign.
 * `toAddress` must be the email on the patient's record.
 */
export async function insertOutcomeMessage(
  db: Executor,
  message: {
    practiceId: string;
    patientId: string;
    requestId: string;
    templateKey: Extract<TemplateKey, `outcome-${string}`>;
    toAddress: string;
    date: string;
  },
): Promise<string> {
  const [row] = await db
    .insert(messages)
    .values({
      practiceId: message.practiceId,
      patientId: message.patientId,
      requestId: message.requestId,
      channel: "email",
      templateKey: message.templateKey,
      toAddress: message.toAddress,
      variables: { date: message.date },
    })
    .returning({ id: messages.id });
  return row!.id;
}

export async function setRequestAssignee(db: Executor, practiceId: string, requestId: string, staffId: string | null): Promise<void> {
  await db
    .update(requests)
    .set({ assignedTo: staffId })
    .where(and(eq(requests.practiceId, practiceId), eq(requests.id, requestId)));
}

/** The patient's open requests of a kind other than `exceptId`. */
export async function listOtherOpenRequests(
  db: Executor,
  practiceId: string,
  of: { patientId: string; kind: RequestKind; exceptId: string },
): Promise<{ id: string; reference: string }[]> {
  return db
    .select({ id: requests.id, reference: requests.reference })
    .from(requests)
    .where(
      and(
        eq(requests.practiceId, practiceId),
        eq(requests.patientId, of.patientId),
        eq(requests.kind, of.kind),
        ne(requests.id, of.exceptId),
        inArray(requests.state, [...OPEN_REQUEST_STATES]),
      ),
    )
    .orderBy(asc(requests.receivedAt));
}
