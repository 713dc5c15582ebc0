// The review queue's "waiting more than …" filter.

const DAY_MS = 86_400_000;

/** A number of whole days, or the practice's own target. */
export const WAITING_FILTERS = ["2", "7", "target", "28"] as const;
export type WaitingFilter = (typeof WAITING_FILTERS)[number];

/** Whole days since a request came in, as the queue shows them. */
export function waitingDays(receivedAt: Date, now: Date): number {
  return Math.floor((now.getTime() - receivedAt.getTime()) / DAY_MS);
}

/**
 * The latest instant a request can have come in and still be waiting more than the filter's days:
 * more than N whole days means received at least N + 1 days ago.
 */
export function receivedBeforeFor(filter: WaitingFilter, targetDays: number, now: Date): Date {
  const days = filter === "target" ? targetDays : Number(filter);
  return new Date(now.getTime() - (days + 1) * DAY_MS);
}
