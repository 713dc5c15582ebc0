import { and, asc, count, eq, isNull, lt, ne, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { decisions, patients, requests } from "../../db/schema";
import type { RequestKind, RequestState } from "../domain/request-workflow";

// The staff review queue: open requests, oldest first. Row-level security
// keeps it to the practice the transaction acts for; the practice filter
// says so in the query too.

export interface QueueFilters {
  kind?: RequestKind;
  state?: RequestState;
}

export async function listOpenRequests(db: Executor, practiceId: string, filters: QueueFilters, limit: number) {
  const conditions: SQL[] = [eq(requests.practiceId, practiceId), ne(requests.state, "closed")];
  if (filters.kind) conditions.push(eq(requests.kind, filters.kind));
  if (filters.state) conditions.push(eq(requests.state, filters.state));
  return db
    .select({
      id: requests.id,
      reference: requests.reference,
      kind: requests.kind,
      state: requests.state,
      channel: requests.channel,
      identityMatch: requests.identityMatch,
      receivedAt: requests.receivedAt,
      patientGivenName: patients.givenName,
      patientFamilyName: patients.familyName,
      patientNhsNumber: patients.nhsNumber,
      decidedAt: decisions.decidedAt,
      actionedAt: decisions.actionedAt,
      confirmedAt: decisions.confirmedAt,
      needsClinicalSystemStep: decisions.needsClinicalSystemStep,
    })
    .from(requests)
    .leftJoin(patients, eq(patients.id, requests.patientId))
    .leftJoin(decisions, eq(decisions.requestId, requests.id))
    .where(and(...conditions))
    .orderBy(asc(requests.receivedAt), asc(requests.reference))
    .limit(limit);
}

/** Open requests in each state, whatever the filters. */
export async function countOpenRequestsByState(db: Executor, practiceId: string): Promise<Partial<Record<RequestState, number>>> {
  const rows = await db
    .select({ state: requests.state, n: count() })
    .from(requests)
    .where(and(eq(requests.practiceId, practiceId), ne(requests.state, "closed")))
    .groupBy(requests.state);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/**
 * Open requests whose decision needs a step in the clinical system that nobody
 * has marked done, nor a later import shown, and that was decided before `decidedBefore`.
 */
export async function countOverdueActions(db: Executor, practiceId: string, decidedBefore: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(requests)
    .innerJoin(decisions, eq(decisions.requestId, requests.id))
    .where(
      and(
        eq(requests.practiceId, practiceId),
        ne(requests.state, "closed"),
        eq(decisions.needsClinicalSystemStep, true),
        isNull(decisions.actionedAt),
        isNull(decisions.confirmedAt),
        lt(decisions.decidedAt, decidedBefore),
      ),
    );
  return row?.n ?? 0;
}
