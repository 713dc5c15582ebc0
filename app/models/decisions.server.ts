import { and, eq, isNotNull } from "drizzle-orm";
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

export async function listDecisionEffectsOfPatient(db: Executor, practiceId: string, patientId: string) {
  return db
    .select(effect)
    .from(decisions)
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.patientId, patientId)));
}
