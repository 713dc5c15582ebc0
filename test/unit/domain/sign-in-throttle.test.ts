import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACCOUNT_LOCK_AFTER,
  afterFailure,
  afterSuccess,
  claimAttempt,
  delayBeforeAnswerMs,
  isLocked,
  LOCK_MINUTES,
  type ThrottleState,
} from "../../../app/domain/sign-in-throttle";

const t0 = new Date("2026-01-01T09:00:00Z");
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

describe("sign-in throttle", () => {
  it("locks after the fifth failure in a window, for 15 minutes", () => {
    let state = null;
    for (let i = 1; i < ACCOUNT_LOCK_AFTER; i++) {
      state = afterFailure(state, minutes(i), ACCOUNT_LOCK_AFTER);
      expect(isLocked(state, minutes(i))).toBe(false);
    }
    state = afterFailure(state, minutes(5), ACCOUNT_LOCK_AFTER);
    expect(isLocked(state, minutes(5))).toBe(true);
    expect(isLocked(state, minutes(5 + LOCK_MINUTES - 1))).toBe(true);
    expect(isLocked(state, minutes(5 + LOCK_MINUTES + 1))).toBe(false);
  });

  it("starts counting again after 15 quiet minutes", () => {
    let state = null;
    for (let i = 0; i < ACCOUNT_LOCK_AFTER - 1; i++) state = afterFailure(state, minutes(i), ACCOUNT_LOCK_AFTER);
    state = afterFailure(state, minutes(40), ACCOUNT_LOCK_AFTER);
    expect(state.failures).toBe(1);
    expect(isLocked(state, minutes(40))).toBe(false);
  });

  it("slows answers more with each failure, up to a ceiling", () => {
    const delays = [0, 1, 2, 3, 4, 5, 10, 50].map(delayBeforeAnswerMs);
    expect(delays.slice(0, 2)).toEqual([0, 0]);
    for (let i = 2; i < 5; i++) expect(delays[i + 1]!).toBeGreaterThan(delays[i]!);
    expect(delays[7]).toBe(3_000);
  });
});

describe("claiming an attempt before it is checked", () => {
  it("allows the attempt that reaches the limit, and refuses every later one unchecked", () => {
    let state = null;
    const allowed: boolean[] = [];
    for (let i = 0; i < ACCOUNT_LOCK_AFTER + 3; i++) {
      const claim = claimAttempt(state, minutes(0), ACCOUNT_LOCK_AFTER);
      allowed.push(claim.allowed);
      state = claim.state;
    }
    expect(allowed).toEqual([true, true, true, true, true, false, false, false]);
    expect(isLocked(state, minutes(LOCK_MINUTES - 1))).toBe(true);
  });

  it("gives a right attempt's count back, lifting a lock only that attempt set", () => {
    let state = null;
    for (let i = 0; i < ACCOUNT_LOCK_AFTER; i++) state = claimAttempt(state, minutes(0), ACCOUNT_LOCK_AFTER).state;
    expect(isLocked(state, minutes(1))).toBe(true);
    const refunded = afterSuccess(state, ACCOUNT_LOCK_AFTER)!;
    expect(refunded.failures).toBe(ACCOUNT_LOCK_AFTER - 1);
    expect(isLocked(refunded, minutes(1))).toBe(false);
    expect(afterSuccess(null, ACCOUNT_LOCK_AFTER)).toBeNull();
  });

  it("never lets more than the limit be checked in one window, whatever the size of the burst or the history before it", () => {
    fc.assert(
      fc.property(fc.nat({ max: 60 }), fc.integer({ min: 1, max: 30 }), fc.nat({ max: 40 }), (burst, lockAfter, earlier) => {
        let state: ThrottleState | null = earlier ? { failures: earlier, windowStartedAt: minutes(-1), lockedUntil: earlier >= lockAfter ? minutes(5) : null } : null;
        // The burst arrives at once: each attempt is claimed before any is settled.
        let checked = 0;
        for (let i = 0; i < burst; i++) {
          const claim = claimAttempt(state, minutes(0), lockAfter);
          state = claim.state;
          if (claim.allowed) checked++;
        }
        expect(checked).toBe(Math.min(burst, Math.max(lockAfter - earlier, 0)));
      }),
    );
  });
});
