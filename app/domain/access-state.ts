import type { CodeKey } from "./codes";
import { isRecordedStrictlyAfter, type RecordedAt } from "./recorded-at";

export const ACCESS_STATES = ["declined", "conflict", "enhanced-review", "review-cleared", "default"] as const;
export type AccessState = (typeof ACCESS_STATES)[number];

/** What the 104/106 history says on its own, before a patient's 103 is considered. */
export const REVIEW_OUTCOMES = ["enhanced-review", "review-cleared", "conflict", "none"] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface CodedEntry {
  code: CodeKey;
  recordedAt: RecordedAt;
}

export interface AccessHistory {
  /** The coded history from the latest import plus portal decisions not yet seen in an import. */
  entries: readonly CodedEntry[];
  /** When the portal recorded a grant of access to this patient. */
  accessGrants?: readonly RecordedAt[];
}

export interface EffectiveAccess {
  state: AccessState;
  /** True while a 104 is active or tied, whatever the state: an opt-in then needs a clinician. */
  enhancedReview: boolean;
}

function recordedTimesOf(entries: readonly CodedEntry[], code: CodeKey): RecordedAt[] {
  return entries.filter((entry) => entry.code === code).map((entry) => entry.recordedAt);
}

function isAfterAll(candidate: RecordedAt, others: readonly RecordedAt[]): boolean {
  return others.every((other) => isRecordedStrictlyAfter(candidate, other));
}

/**
 * "Latest" means most recently recorded (EMIS treats a 106 entered after a 104 as lifting it).
 * Asking whether some entry is strictly after every entry of the other code, rather than sorting,
 * keeps the answer independent of input order and turns every tie into `conflict`.
 */
export function reviewOutcome(entries: readonly CodedEntry[]): ReviewOutcome {
  const reviewsIndicated = recordedTimesOf(entries, "104");
  const reviewsNotIndicated = recordedTimesOf(entries, "106");
  if (reviewsIndicated.length === 0 && reviewsNotIndicated.length === 0) return "none";
  if (reviewsNotIndicated.length === 0) return "enhanced-review";
  if (reviewsIndicated.length === 0) return "review-cleared";
  if (reviewsNotIndicated.some((cleared) => isAfterAll(cleared, reviewsIndicated))) return "review-cleared";
  if (reviewsIndicated.some((indicated) => isAfterAll(indicated, reviewsNotIndicated))) return "enhanced-review";
  return "conflict";
}

/**
 * A patient's own 103 stands until the portal records a grant strictly after it. Only a grant
 * lifts it, never a 106 or any other clinician's code, and a grant that cannot be ordered against
 * a 103 (say, the same day as a date-only 103) leaves it in place: when unsure, the patient's
 * wish prevails. Requiring a later grant for every 103 is the same as requiring one after the
 * latest 103, without having to pick a latest among ties.
 */
export function hasActiveDecline(history: AccessHistory): boolean {
  const grants = history.accessGrants ?? [];
  return recordedTimesOf(history.entries, "103").some(
    (declined) => !grants.some((grant) => isRecordedStrictlyAfter(grant, declined)),
  );
}

export function effectiveAccessState(history: AccessHistory): EffectiveAccess {
  const outcome = reviewOutcome(history.entries);
  const enhancedReview = outcome === "enhanced-review" || outcome === "conflict";
  if (hasActiveDecline(history)) return { state: "declined", enhancedReview };
  switch (outcome) {
    case "conflict":
      return { state: "conflict", enhancedReview };
    case "enhanced-review":
      return { state: "enhanced-review", enhancedReview };
    case "review-cleared":
      return { state: "review-cleared", enhancedReview };
    case "none":
      return { state: "default", enhancedReview };
    default: {
      const unhandled: never = outcome;
      throw new Error(`Unhandled review outcome: ${String(unhandled)}`);
    }
  }
}

/**
 * Whether the patient had an active 104 at some point from `since` until now: at that moment, as
 * the history now shows it (an import may bring a 104 recorded days before it reached the
 * portal), now, or at any 104 recorded since. An entry on the same day as a date-only `since`
 * counts both ways: when unsure, the patient is treated as having had the 104.
 */
export function had104Since(history: AccessHistory, since: RecordedAt): boolean {
  // As it stood then: a 106 counts only if recorded strictly before (one the same day may be later).
  const asThen = history.entries.filter((entry) =>
    entry.code === "106" ? isRecordedStrictlyAfter(since, entry.recordedAt) : !isRecordedStrictlyAfter(entry.recordedAt, since),
  );
  if (reviewOutcomeIsActive(reviewOutcome(asThen)) || reviewOutcomeIsActive(reviewOutcome(history.entries))) return true;
  return history.entries.some((entry) => entry.code === "104" && !isRecordedStrictlyAfter(since, entry.recordedAt));
}

function reviewOutcomeIsActive(outcome: ReviewOutcome): boolean {
  return outcome === "enhanced-review" || outcome === "conflict";
}
