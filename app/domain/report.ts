// The figures NHS England and the ICB ask a practice for (issue 9), worked out
// from plain facts. Pure: the service gathers the facts, this does the sums,
// and the README defines each figure in the same words.

import { ACCESS_STATES, type AccessState } from "./access-state";
import type { RequestKind } from "./request-workflow";
import { REQUEST_KINDS } from "./request-workflow";

/** The 104 share above which a practice is asked to look again (amber) and to report monthly with an action plan (red). */
export const ENHANCED_REVIEW_AMBER = 0.1;
export const ENHANCED_REVIEW_RED = 0.5;
/** The national goal: online accounts with prospective access to their record. */
export const PROSPECTIVE_ACCESS_TARGET = 0.9;
/** 104s look bulk-applied when at least this many, and at least this share of them, were recorded on one day. */
export const BULK_MIN_PATIENTS = 20;
export const BULK_MIN_SHARE = 0.5;

export type Alarm = "green" | "amber" | "red";

/** The states in which a patient with an online account sees new entries in their record. */
export const PROSPECTIVE_ACCESS_STATES: readonly AccessState[] = ["default", "review-cleared"];

export interface PatientFacts {
  eligible: boolean;
  state: AccessState;
  /** A 104 is active (or tied with a 106). */
  enhancedReview: boolean;
  onlineAccount: boolean;
  /** The UK day the active 104 was recorded, when there is one. */
  enhancedReviewDay: string | null;
}

export interface ListFigures {
  eligible: number;
  byState: Record<AccessState, number>;
  enhancedReview: number;
  /** Active 104s among eligible patients, 0 to 1 (0 when nobody is eligible). */
  enhancedReviewShare: number;
  enhancedReviewAlarm: Alarm;
  bulkApplied: { suspected: boolean; day: string | null; count: number };
  onlineAccounts: number;
  onlineAccountsWithProspectiveAccess: number;
  /** 0 to 1; null when no eligible patient has an online account. */
  prospectiveAccessShare: number | null;
}

export function alarmFor(share: number): Alarm {
  if (share > ENHANCED_REVIEW_RED) return "red";
  if (share > ENHANCED_REVIEW_AMBER) return "amber";
  return "green";
}

/** The patient list's figures: only eligible patients (alive, registered, 16 or over) count. */
export function listFigures(patients: readonly PatientFacts[]): ListFigures {
  const byState = Object.fromEntries(ACCESS_STATES.map((s) => [s, 0])) as Record<AccessState, number>;
  let eligible = 0;
  let enhancedReview = 0;
  let onlineAccounts = 0;
  let withProspective = 0;
  const byDay = new Map<string, number>();
  for (const p of patients) {
    if (!p.eligible) continue;
    eligible += 1;
    byState[p.state] += 1;
    if (p.enhancedReview) {
      enhancedReview += 1;
      if (p.enhancedReviewDay) byDay.set(p.enhancedReviewDay, (byDay.get(p.enhancedReviewDay) ?? 0) + 1);
    }
    if (p.onlineAccount) {
      onlineAccounts += 1;
      if (PROSPECTIVE_ACCESS_STATES.includes(p.state)) withProspective += 1;
    }
  }
  // The busiest day; ties go to the earliest, so the answer never depends on the order of the list.
  let busiest: { day: string | null; count: number } = { day: null, count: 0 };
  for (const [day, count] of byDay) {
    if (count > busiest.count || (count === busiest.count && busiest.day !== null && day < busiest.day)) busiest = { day, count };
  }
  const share = eligible === 0 ? 0 : enhancedReview / eligible;
  return {
    eligible,
    byState,
    enhancedReview,
    enhancedReviewShare: share,
    enhancedReviewAlarm: alarmFor(share),
    bulkApplied: {
      suspected: busiest.count >= BULK_MIN_PATIENTS && busiest.count >= BULK_MIN_SHARE * enhancedReview,
      day: busiest.day,
      count: busiest.count,
    },
    onlineAccounts,
    onlineAccountsWithProspectiveAccess: withProspective,
    prospectiveAccessShare: onlineAccounts === 0 ? null : withProspective / onlineAccounts,
  };
}

export interface RequestFacts {
  kind: RequestKind;
  receivedAt: Date;
  decidedAt: Date | null;
  /** Marked done in the clinical system. */
  actionedAt: Date | null;
}

export type RequestFigures = Record<RequestKind, { received: number; decided: number; done: number }>;

/** Requests received, decided and done in the clinical system within [from, to), by kind. */
export function requestFigures(requests: readonly RequestFacts[], from: Date, to: Date): RequestFigures {
  const figures = Object.fromEntries(REQUEST_KINDS.map((k) => [k, { received: 0, decided: 0, done: 0 }])) as RequestFigures;
  const within = (at: Date | null) => at !== null && at >= from && at < to;
  for (const r of requests) {
    if (within(r.receivedAt)) figures[r.kind].received += 1;
    if (within(r.decidedAt)) figures[r.kind].decided += 1;
    if (within(r.actionedAt)) figures[r.kind].done += 1;
  }
  return figures;
}

export interface QueueFigures {
  open: number;
  pastTarget: number;
  /** Whole days the longest-waiting open request has waited; null when none is open. */
  oldestWaitingDays: number | null;
  medianWaitingDays: number | null;
}

/** How long the open requests have waited, in whole days, against the practice's target. */
export function queueFigures(waitingDays: readonly number[], targetDays: number): QueueFigures {
  const sorted = [...waitingDays].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    open: n,
    pastTarget: sorted.filter((d) => d > targetDays).length,
    oldestWaitingDays: n === 0 ? null : sorted[n - 1]!,
    medianWaitingDays: n === 0 ? null : n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2,
  };
}

/** Figures as `figure,value` rows: nested keys joined with dots, shares to four decimal places. */
export function flattenFigures(value: unknown, prefix = ""): [string, string][] {
  if (value === null || value === undefined) return [[prefix, ""]];
  if (typeof value === "number") return [[prefix, Number.isInteger(value) ? String(value) : value.toFixed(4)]];
  if (typeof value !== "object") return [[prefix, String(value)]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => flattenFigures(inner, prefix ? `${prefix}.${key}` : key));
}
