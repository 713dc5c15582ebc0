import { withoutPractice } from "../../db/tenancy.server";
import { hashToken } from "../auth/tokens.server";
import {
  ACCOUNT_LOCK_AFTER,
  ADDRESS_LOCK_AFTER,
  afterSuccess,
  claimAttempt,
  clientAddressGroup,
  delayBeforeAnswerMs,
  isLocked,
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

/**
 * Per typed email address, whether or not an account has it (so answers never
 * reveal accounts), as the database compares it: `emailAsLookedUp`.
 */
export const accountKey = (emailAsLookedUp: string): AttemptKey => ({ key: `account:${hashToken(emailAsLookedUp)}`, lockAfter: ACCOUNT_LOCK_AFTER });
/** Per person, for the second factor: a right password does not reset it. */
export const secondFactorKey = (staffUserId: string): AttemptKey => ({ key: `second-factor:${staffUserId}`, lockAfter: ACCOUNT_LOCK_AFTER });
/** Per client address (an IPv6 one by its /64), across every account tried from it. */
export const addressKey = (address: string): AttemptKey => ({ key: `address:${clientAddressGroup(address)}`, lockAfter: ADDRESS_LOCK_AFTER });

export interface ClaimedAttempts {
  /** False: some key is locked or this attempt is past its limit; do not check the guess. */
  allowed: boolean;
  /** True when any key is locked now, this attempt included. */
  locked: boolean;
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
 * with no connection held. An attempt refused by any key is counted by none:
 * a locked address must not go on to lock the accounts it names. The first
 * key's failures set the delay. Call it, and `settle`, outside any
 * transaction: each takes a connection of its own.
 */
export async function claimAttempts(keys: AttemptKey[], timing: AttemptTiming = {}): Promise<ClaimedAttempts> {
  const now = timing.now ?? new Date();
  const claims = await withoutPractice(async (tx) => {
    const results = [];
    for (const { key, lockAfter } of keys) results.push({ key, ...claimAttempt(await getThrottleForUpdate(tx, key), now, lockAfter) });
    if (results.every((c) => c.allowed)) for (const { key, state } of results) await saveThrottle(tx, key, state);
    return results;
  });
  await (timing.onDelay ?? sleep)(delayBeforeAnswerMs(claims[0]?.failuresBefore ?? 0));
  return {
    allowed: claims.every((c) => c.allowed),
    locked: claims.some((c) => isLocked(c.state, now)),
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
