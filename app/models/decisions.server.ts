import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { decisions } from "../../db/schema";

// What a decision in force means for the patient's effective access state (a superseded one means nothing).
const effect = {
  patientId: decisions.patientId,
  outcome: decisions.outcome,
  codeToEnter: decisions.codeToEnter,
  decidedAt: decisions.decidedAt,
  confirmedAt: decisions.confirmedAt,
};

export async function listDecisionEffects(db: Executor, practiceId: string) {
  return db
    .select(effect)
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), isNotNull(decisions.patientId), isNull(decisions.supersededAt)));
}

/** Decisions about the patients whose ids lie in (afterId, lastId]: see listCodedEntriesOfPatientRange. */
export async function listDecisionEffectsOfPatientRange(db: Executor, practiceId: string, afterId: string | null, lastId: string) {
  return db
    .select(effect)
    .from(decisions)
    .where(
      and(
        eq(decisions.practiceId, practiceId),
        isNull(decisions.supersededAt),
        afterId ? sql`${decisions.patientId} > ${afterId}` : undefined,
        sql`${decisions.patientId} <= ${lastId}`,
      ),
    );
}

export async function listDecisionEffectsOfPatient(db: Executor, practiceId: string, patientId: string) {
  return db
    .select(effect)
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.patientId, patientId), isNull(decisions.supersededAt)));
}

export type Decision = typeof decisions.$inferSelect;
/** Only migration 0009 marks a decision legacy (a trigger refuses it otherwise). */
export type NewDecision = Omit<typeof decisions.$inferInsert, "id" | "legacy">;

/**
 * The new decision's id, or null when the request already has one in force (the unique index on
 * request_id is the last line of defence behind the request's version check).
 */
export async function insertDecision(db: Executor, decision: NewDecision): Promise<string | null> {
  const [row] = await db
    .insert(decisions)
    .values(decision)
    .onConflictDoNothing({ target: decisions.requestId, where: sql`${decisions.supersededAt} is null` })
    .returning({ id: decisions.id });
  return row?.id ?? null;
}

/** The decision in force on a request. */
export async function getDecisionOfRequest(db: Executor, practiceId: string, requestId: string): Promise<Decision | null> {
  const [row] = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.requestId, requestId), isNull(decisions.supersededAt)));
  return row ?? null;
}

/** Decisions corrected by reopening the request, newest first. */
export async function listSupersededDecisions(db: Executor, practiceId: string, requestId: string): Promise<Decision[]> {
  return db
    .select()
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.requestId, requestId), isNotNull(decisions.supersededAt)))
    .orderBy(desc(decisions.supersededAt));
}

/** Marks the decision in force superseded: the request has been reopened to correct it. */
export async function supersedeDecision(
  db: Executor,
  practiceId: string,
  requestId: string,
  by: { staffId: string; at: Date; reason: string },
): Promise<string | null> {
  const [row] = await db
    .update(decisions)
    .set({ supersededAt: by.at, supersededBy: by.staffId, supersededReason: by.reason })
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.requestId, requestId), isNull(decisions.supersededAt)))
    .returning({ id: decisions.id });
  return row?.id ?? null;
}

export async function setDecisionOutcomeMessage(db: Executor, practiceId: string, decisionId: string, messageId: string): Promise<void> {
  await db
    .update(decisions)
    .set({ outcomeMessageId: messageId })
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.id, decisionId)));
}

/** "Done in the clinical system": who and when. */
export async function markDecisionActioned(
  db: Executor,
  practiceId: string,
  requestId: string,
  by: { staffId: string; at: Date },
): Promise<void> {
  await db
    .update(decisions)
    .set({ actionedBy: by.staffId, actionedAt: by.at })
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.requestId, requestId), isNull(decisions.supersededAt)));
}

export async function markDecisionPatientTold(db: Executor, practiceId: string, requestId: string, at: Date): Promise<void> {
  await db
    .update(decisions)
    .set({ patientToldAt: at })
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.requestId, requestId), isNull(decisions.supersededAt)));
}
