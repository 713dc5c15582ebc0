import { and, eq, max } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { atRiskReviews, codedEntries, staffUsers } from "../../db/schema";
import type { AtRiskOutcome } from "../domain/at-risk-review";

export type AtRiskReview = typeof atRiskReviews.$inferSelect;

/** Every current review of the practice, with the reviewer's name. */
export async function listAtRiskReviews(db: Executor, practiceId: string) {
  return db
    .select({
      patientId: atRiskReviews.patientId,
      outcome: atRiskReviews.outcome,
      reviewedAt: atRiskReviews.reviewedAt,
      reviewedByName: staffUsers.name,
      note: atRiskReviews.note,
    })
    .from(atRiskReviews)
    .innerJoin(staffUsers, eq(staffUsers.id, atRiskReviews.reviewedBy))
    .where(eq(atRiskReviews.practiceId, practiceId));
}

export async function getAtRiskReview(db: Executor, practiceId: string, patientId: string): Promise<AtRiskReview | null> {
  const [row] = await db
    .select()
    .from(atRiskReviews)
    .where(and(eq(atRiskReviews.practiceId, practiceId), eq(atRiskReviews.patientId, patientId)));
  return row ?? null;
}

/** Records the patient's current review, replacing any earlier one. */
export async function upsertAtRiskReview(
  db: Executor,
  review: { practiceId: string; patientId: string; outcome: AtRiskOutcome; reviewedBy: string; reviewedAt: Date; note: string | null },
): Promise<void> {
  await db
    .insert(atRiskReviews)
    .values(review)
    .onConflictDoUpdate({
      target: atRiskReviews.patientId,
      set: { outcome: review.outcome, reviewedBy: review.reviewedBy, reviewedAt: review.reviewedAt, note: review.note },
    });
}

/** The day each patient's latest 104 was recorded, from the latest import. */
export async function listLatest104Days(db: Executor, practiceId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ patientId: codedEntries.patientId, recordedOn: max(codedEntries.recordedOn) })
    .from(codedEntries)
    .where(and(eq(codedEntries.practiceId, practiceId), eq(codedEntries.code, "104")))
    .groupBy(codedEntries.patientId);
  return new Map(rows.flatMap((r) => (r.recordedOn ? [[r.patientId, r.recordedOn] as const] : [])));
}
