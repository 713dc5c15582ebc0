import { withoutPractice } from "../../db/tenancy.server";
import { hashToken } from "../auth/tokens.server";
import {
  ACCOUNT_LOCK_AFTER,
  ADDRESS_LOCK_AFTER,
  afterSuccess,
  claimAttempt,
  delayBeforeAnswerMs,
  type ThrottleState,
} from "../domain/sign-in-throttle";
import { clearThrottle, getThrottleForUpdate, saveThrottle } from "../models/auth-throttle.server";

// Guesses at a staff secret (a password, an authenticator code, a recovery
// code) are counted before they are checked, in a short transaction of their
// own. Waiting out the slowing-down happens after it commits: a flood of
// attempts holds timers, never database connections (issue 17).

/** One counter an attempt is claimed against, and how many failures lock it. */
export interface AttemptKey {
  key: string;
  lockAfter: number;
}

/** Per typed email address, whether or not an account has it, so answers never reveal accounts. */
export const accountKey = (email: string): AttemptKey => ({ key: `account:${hashToken(email.trim().toLowerCase())}`, lockAfter: ACCOUNT_LOCK_AFTER });
/** Per person, for the second factor: a right password does not reset it. */
export const secondFactorKey = (staffUserId: string): AttemptKey => ({ key: `second-factor:${staffUserId}`, lockAfter: ACCOUNT_LOCK_AFTER });
/** Per client address, across every account tried from it. */
export const addressKey = (address: string): AttemptKey => ({ key: `address:${address}`, lockAfter: ADDRESS_LOCK_AFTER });

export interface ClaimedAttempts {
  /** False: some key is locked or this attempt is past its limit; do not check the guess. */
  allowed: boolean;
  /** True when the first key (the account's) is locked now, this attempt included. */
  firstKeyLocked: boolean;
  /** Settles a checked guess: a right one gives its counts back. */
  settle(right: boolean): Promise<void>;
}

export interface AttemptTiming {
  now?: Date;
  /** Tests set this to observe the slowing without waiting for it. */
  onDelay?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Claims one attempt against every key (in the order given, so concurrent
 * claims lock rows in one order), commits, then waits the answer's delay
 * with no connection held. The first key's failures set the delay.
 */
export async function claimAttempts(keys: AttemptKey[], timing: AttemptTiming = {}): Promise<ClaimedAttempts> {
  const now = timing.now ?? new Date();
  const claims = await withoutPractice(async (tx) => {
    const results = [];
    for (const { key, lockAfter } of keys) {
      const claim = claimAttempt(await getThrottleForUpdate(tx, key), now, lockAfter);
      if (claim.allowed) await saveThrottle(tx, key, claim.state);
      results.push(claim);
    }
    return results;
  });
  await (timing.onDelay ?? sleep)(delayBeforeAnswerMs(claims[0]?.failuresBefore ?? 0));
  const locked = (state: ThrottleState) => state.lockedUntil !== null && state.lockedUntil > now;
  return {
    allowed: claims.every((c) => c.allowed),
    firstKeyLocked: claims[0] ? locked(claims[0].state) : false,
    settle: async (right) => {
      if (!right) return;
      await withoutPractice(async (tx) => {
        for (const [i, { key, lockAfter }] of keys.entries()) {
          // The first key belongs to the person who just proved themselves: start them afresh.
          if (i === 0) await clearThrottle(tx, key);
          else {
            const state = afterSuccess(await getThrottleForUpdate(tx, key), lockAfter);
            if (state) await saveThrottle(tx, key, state);
          }
        }
      });
    },
  };
}
