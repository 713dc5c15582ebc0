import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACCOUNT_LOCK_AFTER,
  afterFailure,
  afterSuccess,
  claimAttempt,
  clientAddressGroup,
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

describe("the client address a per-address limit counts", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:0:0:0:ffff", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
  ])("counts %s as %s", (address, group) => {
    expect(clientAddressGroup(address)).toBe(group);
  });

  it("puts every address of one /64 in one group", () => {
    const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    fc.assert(
      fc.property(fc.array(hextet, { minLength: 8, maxLength: 8 }), fc.array(hextet, { minLength: 4, maxLength: 4 }), (address, otherEnd) => {
        const sibling = [...address.slice(0, 4), ...otherEnd];
        expect(clientAddressGroup(address.join(":"))).toBe(clientAddressGroup(sibling.join(":")));
      }),
    );
  });
});
