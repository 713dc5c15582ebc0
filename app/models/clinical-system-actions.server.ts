import { and, asc, eq, isNull } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { decisions, patients, requests } from "../../db/schema";

/**
 * Decisions that still need someone to do something in the clinical system:
 * decided, with a clinical-system step, not yet marked done. Oldest first.
 */
export async function listPendingClinicalSystemActions(db: Executor, practiceId: string) {
  return db
    .select({
      reference: requests.reference,
      nhsNumber: patients.nhsNumber,
      familyName: patients.familyName,
      givenName: patients.givenName,
      outcome: decisions.outcome,
      codeToEnter: decisions.codeToEnter,
      decidedAt: decisions.decidedAt,
    })
    .from(decisions)
    .innerJoin(requests, and(eq(requests.id, decisions.requestId), isNull(decisions.supersededAt)))
    .leftJoin(patients, eq(patients.id, decisions.patientId))
    .where(and(eq(decisions.practiceId, practiceId), eq(decisions.needsClinicalSystemStep, true), isNull(decisions.actionedAt)))
    .orderBy(asc(decisions.decidedAt), asc(requests.reference));
}
