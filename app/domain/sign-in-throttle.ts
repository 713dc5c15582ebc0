// How repeated failed sign-ins are slowed and then locked. Counted per typed
// email address (whether or not an account exists, so the answers never
// reveal which addresses have accounts) and per client address.

export const THROTTLE_WINDOW_MINUTES = 15;
export const ACCOUNT_LOCK_AFTER = 5;
export const ADDRESS_LOCK_AFTER = 30;
export const LOCK_MINUTES = 15;
const MAX_DELAY_MS = 3_000;

export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

/** Is this key locked out right now? */
export function isLocked(state: ThrottleState | null, now: Date): boolean {
  return state?.lockedUntil != null && state.lockedUntil > now;
}

/** A counting rule: `lockAfter` events inside `windowMinutes` lock the key for `lockMinutes`. */
export interface ThrottleRule {
  windowMinutes: number;
  lockAfter: number;
  lockMinutes: number;
}

/** The state after one more counted event under `rule`: a new window once the last one has passed. */
export function afterEvent(state: ThrottleState | null, now: Date, rule: ThrottleRule): ThrottleState {
  const windowOpen = state !== null && now.getTime() - state.windowStartedAt.getTime() < rule.windowMinutes * 60_000;
  const failures = windowOpen ? state.failures + 1 : 1;
  const windowStartedAt = windowOpen ? state.windowStartedAt : now;
  const lockedUntil =
    failures >= rule.lockAfter ? new Date(now.getTime() + rule.lockMinutes * 60_000) : (state?.lockedUntil ?? null);
  return { failures, windowStartedAt, lockedUntil };
}

/** The state after one more failed sign-in: a new window after 15 quiet minutes. */
export function afterFailure(state: ThrottleState | null, now: Date, lockAfter: number): ThrottleState {
  return afterEvent(state, now, { windowMinutes: THROTTLE_WINDOW_MINUTES, lockAfter, lockMinutes: LOCK_MINUTES });
}

export interface ClaimedAttempt {
  /** May this attempt be checked at all? */
  allowed: boolean;
  /** The state to store: the attempt already counted as a failure. */
  state: ThrottleState;
  /** The failures counted before this one, for the answer's delay. */
  failuresBefore: number;
}

/**
 * Counts an attempt as a failure *before* it is checked, so that a burst of
 * simultaneous guesses gets at most `lockAfter` checks: the one that reaches
 * the limit is still checked (and locks the key), every later one is refused
 * unchecked. A success then gives its count back (see `afterSuccess`).
 */
export function claimAttempt(state: ThrottleState | null, now: Date, lockAfter: number): ClaimedAttempt {
  const failuresBefore = state?.failures ?? 0;
  if (isLocked(state, now)) return { allowed: false, state: state!, failuresBefore };
  const next = afterFailure(state, now, lockAfter);
  return { allowed: next.failures <= lockAfter, state: next, failuresBefore };
}

/**
 * The state once a claimed attempt turned out right: its count is given back,
 * and a lock that only this attempt's claim set is lifted.
 */
export function afterSuccess(state: ThrottleState | null, lockAfter: number): ThrottleState | null {
  if (!state) return null;
  const failures = Math.max(state.failures - 1, 0);
  return { failures, windowStartedAt: state.windowStartedAt, lockedUntil: failures < lockAfter ? null : state.lockedUntil };
}

/**
 * How long to wait before answering an attempt: nothing for the first two
 * failures, then doubling from a quarter of a second, to at most 3 seconds.
 */
export function delayBeforeAnswerMs(failuresSoFar: number): number {
  if (failuresSoFar < 2) return 0;
  return Math.min(250 * 2 ** (failuresSoFar - 2), MAX_DELAY_MS);
}

/**
 * The client address a per-address limit counts. An IPv6 client is counted by
 * its /64, the one network a home or office is given, or it could step to a
 * fresh address (and a fresh count) at every try; IPv4 (also written as
 * IPv4-mapped IPv6) as it is.
 */
export function clientAddressGroup(address: string): string {
  const lower = address.trim().toLowerCase().split("%")[0]!;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (mapped) return mapped[1]!;
  if (!lower.includes(":")) return lower;
  const [head = "", tail] = lower.split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(8 - headParts.length - tailParts.length, 0)).fill("0");
  const hextets = [...headParts, ...zeros, ...tailParts].slice(0, 4);
  return `${hextets.map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16).toString(16) : h)).join(":")}::/64`;
}
