import { describe, expect, it } from "vitest";
import { ACCOUNT_LOCK_AFTER, afterFailure, delayBeforeAnswerMs, isLocked, LOCK_MINUTES } from "../../../app/domain/sign-in-throttle";

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
