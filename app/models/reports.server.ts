import { and, asc, eq, inArray, isNotNull, sql, isNull } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { campaigns, decisions, imports, messages, requests } from "../../db/schema";
import { OPEN_REQUEST_STATES } from "../domain/request-workflow";

// What the reports count, read for one practice. Call inside withPractice:
// row-level security keeps every query to that practice.

/** Every request with when it was received, decided and done in the clinical system. */
export async function listRequestFacts(db: Executor, practiceId: string) {
  return db
    .select({ kind: requests.kind, receivedAt: requests.receivedAt, decidedAt: decisions.decidedAt, actionedAt: decisions.actionedAt })
    .from(requests)
    .leftJoin(decisions, and(eq(decisions.requestId, requests.id), isNull(decisions.supersededAt)))
    .where(eq(requests.practiceId, practiceId));
}

export async function listOpenRequestReceivedTimes(db: Executor, practiceId: string): Promise<Date[]> {
  const rows = await db
    .select({ receivedAt: requests.receivedAt })
    .from(requests)
    .where(and(eq(requests.practiceId, practiceId), inArray(requests.state, [...OPEN_REQUEST_STATES])));
  return rows.map((r) => r.receivedAt);
}

/** Campaign messages of campaigns created in [from, to): email sent, email that failed, letters needed. */
export async function countCampaignDelivery(db: Executor, practiceId: string, from: Date, to: Date) {
  const [row] = await db
    .select({
      campaigns: sql<number>`count(distinct ${campaigns.id})::int`,
      emailsSent: sql<number>`count(*) filter (where ${messages.channel} = 'email' and ${messages.status} = 'sent')::int`,
      emailsFailed: sql<number>`count(*) filter (where ${messages.channel} = 'email' and ${messages.status} in ('technical-failure', 'permanent-failure', 'unknown'))::int`,
      emailsWaiting: sql<number>`count(*) filter (where ${messages.channel} = 'email' and ${messages.status} in ('queued', 'sending'))::int`,
      lettersNeeded: sql<number>`count(*) filter (where ${messages.channel} = 'letter')::int`,
    })
    .from(campaigns)
    .leftJoin(messages, eq(messages.campaignId, campaigns.id))
    .where(and(eq(campaigns.practiceId, practiceId), sql`${campaigns.createdAt} >= ${from.toISOString()}::timestamptz`, sql`${campaigns.createdAt} < ${to.toISOString()}::timestamptz`));
  return row ?? { campaigns: 0, emailsSent: 0, emailsFailed: 0, emailsWaiting: 0, lettersNeeded: 0 };
}

/** Committed imports whose figures were recorded, oldest first: the trend. */
export async function listImportFigures(db: Executor, practiceId: string) {
  return db
    .select({
      committedAt: imports.committedAt,
      eligible: imports.eligibleCount,
      enhancedReview: imports.enhancedReviewCount,
      declined: imports.declinedCount,
    })
    .from(imports)
    .where(and(eq(imports.practiceId, practiceId), eq(imports.status, "committed"), isNotNull(imports.eligibleCount)))
    .orderBy(asc(imports.committedAt));
}

export async function setImportFigures(
  db: Executor,
  practiceId: string,
  importId: string,
  figures: { eligible: number; enhancedReview: number; declined: number },
): Promise<void> {
  await db
    .update(imports)
    .set({ eligibleCount: figures.eligible, enhancedReviewCount: figures.enhancedReview, declinedCount: figures.declined })
    .where(and(eq(imports.practiceId, practiceId), eq(imports.id, importId)));
}
