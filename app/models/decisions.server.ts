import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { decisions } from "../../db/schema";

// What a decision means for the patient's effective access state.
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
    .where(and(eq(decisions.practiceId, practiceId), isNotNull(decisions.patientId)));
}

/** Decisions about the patients whose ids lie in (afterId, lastId]: see listCodedEntriesOfPatientRange. */
export async function listDecisionEffectsOfPatientRange(db: Executor, practiceId: string, afterId: string | null, lastId: string) {
  return db
    .select(effect)
    .from(decisions)
    .where(
      and(
        eq(decisions.practiceId, practiceId),
        afterId ? sql`${decisions.patientId} > ${afterId}` : undefined,
        sql`${decisions.patientId} <= ${lastId}`,
      ),
    );
}

export async function listDecisionEffectsOfPatient(db: Executor, practiceId: string, patientId: string) {
  return db
    .select(effect)
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.patientId, patientId)));
}

export type Decision = typeof decisions.$inferSelect;
export type NewDecision = Omit<typeof decisions.$inferInsert, "id">;

/**
 * The new decision's id, or null when the request already has one (the unique request_id is the
 * last line of defence behind the request's version check).
 */
export async function insertDecision(db: Executor, decision: NewDecision): Promise<string | null> {
  const [row] = await db
    .insert(decisions)
    .values(decision)
    .onConflictDoNothing({ target: decisions.requestId })
    .returning({ id: decisions.id });
  return row?.id ?? null;
}

export async function getDecisionOfRequest(db: Executor, practiceId: string, requestId: string): Promise<Decision | null> {
  const [row] = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.requestId, requestId)));
  return row ?? null;
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
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.requestId, requestId)));
}

export async function markDecisionPatientTold(db: Executor, practiceId: string, requestId: string, at: Date): Promise<void> {
  await db
    .update(decisions)
    .set({ patientToldAt: at })
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.requestId, requestId)));
}
