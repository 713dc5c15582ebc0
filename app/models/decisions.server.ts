import { and, eq, isNotNull } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { decisions } from "../../db/schema";

/** What each decision on a patient means for their effective access state. */
export async function listDecisionEffects(db: Executor, practiceId: string) {
  return db
    .select({
      patientId: decisions.patientId,
      outcome: decisions.outcome,
      codeToEnter: decisions.codeToEnter,
      decidedAt: decisions.decidedAt,
      confirmedAt: decisions.confirmedAt,
    })
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), isNotNull(decisions.patientId)));
}

export async function listDecisionEffectsOfPatient(db: Executor, practiceId: string, patientId: string) {
  return db
    .select({
      patientId: decisions.patientId,
      outcome: decisions.outcome,
      codeToEnter: decisions.codeToEnter,
      decidedAt: decisions.decidedAt,
      confirmedAt: decisions.confirmedAt,
    })
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.patientId, patientId)));
}
