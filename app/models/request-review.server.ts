import { and, asc, desc, eq, inArray, ne, notExists, sql } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { auditEvents, letters, messages, patients, requests, requestSubmissions, staffUsers } from "../../db/schema";
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
      hadActive104: requests.hadActive104,
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
  change: {
    id: string;
    version: number;
    to: RequestState;
    at: Date;
    /** Staff linking the patient. */
    patientId?: string;
    /** Set, never cleared: the patient had an active 104 at some point of the request. */
    hadActive104?: boolean;
  },
): Promise<number | null> {
  const [row] = await db
    .update(requests)
    .set({
      ...(change.patientId ? { patientId: change.patientId } : {}),
      ...(change.hadActive104 ? { hadActive104: true } : {}),
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
 * Queues a message telling the patient an outcome: an email the worker sends, or a letter for the
 * practice's letters list (toAddress null). `toAddress` must be the email on the patient's record.
 */
export async function insertOutcomeMessage(
  db: Executor,
  message: {
    practiceId: string;
    patientId: string;
    requestId: string;
    templateKey: Extract<TemplateKey, `outcome-${string}`>;
    channel: "email" | "letter";
    toAddress: string | null;
    date: string;
    /** Not before then (an outcome that becomes true at the practice's go-live). */
    notBefore?: Date;
  },
): Promise<string> {
  const [row] = await db
    .insert(messages)
    .values({
      practiceId: message.practiceId,
      patientId: message.patientId,
      requestId: message.requestId,
      channel: message.channel,
      templateKey: message.templateKey,
      toAddress: message.toAddress,
      variables: { date: message.date },
      ...(message.notBefore ? { nextAttemptAt: message.notBefore } : {}),
    })
    .returning({ id: messages.id });
  return row!.id;
}

const isOutcomeMessage = sql`${messages.templateKey}::text like 'outcome-%'`;

/**
 * Withdraws the request's outcome messages that have not gone: emails still queued and letters
 * not yet produced. Their ids.
 */
export async function cancelPendingOutcomeMessages(db: Executor, practiceId: string, requestId: string): Promise<string[]> {
  const rows = await db
    .update(messages)
    .set({ status: "cancelled", failureReason: null })
    .where(
      and(
        eq(messages.practiceId, practiceId),
        eq(messages.requestId, requestId),
        isOutcomeMessage,
        eq(messages.status, "queued"),
        notExists(db.select({ one: sql`1` }).from(letters).where(eq(letters.messageId, messages.id))),
      ),
    )
    .returning({ id: messages.id });
  return rows.map((r) => r.id);
}

/** The message that last told the patient (or is about to tell them) about this request, or null. */
export async function lastOutcomeMessage(db: Executor, practiceId: string, requestId: string): Promise<{ id: string; templateKey: TemplateKey } | null> {
  const [row] = await db
    .select({ id: messages.id, templateKey: messages.templateKey })
    .from(messages)
    .where(and(eq(messages.practiceId, practiceId), eq(messages.requestId, requestId), isOutcomeMessage, ne(messages.status, "cancelled")))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return row ?? null;
}

/** Where a message stands: sent, failed, waiting to be printed, or printed. */
export async function getMessageProgress(db: Executor, practiceId: string, messageId: string) {
  const [row] = await db
    .select({
      id: messages.id,
      channel: messages.channel,
      status: messages.status,
      templateKey: messages.templateKey,
      sentAt: messages.sentAt,
      failureReason: messages.failureReason,
      letterProducedAt: sql<Date | null>`(select max(l.produced_at) from letters l where l.message_id = ${messages.id})`.mapWith((v) => (v === null ? null : new Date(v as string))),
      letterPrintedAt: sql<Date | null>`(select max(l.printed_at) from letters l where l.message_id = ${messages.id})`.mapWith((v) => (v === null ? null : new Date(v as string))),
    })
    .from(messages)
    .where(and(eq(messages.practiceId, practiceId), eq(messages.id, messageId)));
  return row ?? null;
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
