import { randomBytes } from "node:crypto";
import { withoutPractice } from "../../db/tenancy.server";
import type { Executor } from "../../db/executor.server";
import { verifyPassword } from "../auth/password.server";
import { hashToken, randomToken } from "../auth/tokens.server";
import { newTotpSecret, totpQrSvg, totpStep, totpUri } from "../auth/totp.server";
import { appendAuditEvent } from "../models/audit.server";
import { emailAsLookedUp } from "../models/auth-throttle.server";
import {
  advanceSessionStage,
  deleteSession,
  getSession,
  getSessionForUpdate,
  insertSession,
  takeSessionAtStage,
  type StaffSession,
} from "../models/sessions.server";
import {
  claimTotpStep,
  consumeRecoveryCode,
  enrolAuthenticator,
  getStaffUserByEmail,
  getStaffUserById,
  listMembershipsOfUser,
  replaceRecoveryCodes,
  type StaffUser,
} from "../models/staff.server";
import { accountKey, addressKey, claimAttempts, secondFactorKey, type AttemptTiming } from "./sign-in-attempts.server";

// Sign-in is one state machine, kept on the session row:
//   password-verified      the password, in this sign-in; then either
//     → signed-in          a code from the person's authenticator (or a recovery code), or
//     → authenticator-enrolled  (someone with no authenticator yet) a new one set up from
//                          this session's own secret and proven with a code from it,
//     → signed-in          once they have seen their recovery codes.
// Each move is one conditional statement on the row, so two requests with one
// token cannot both make it; nothing else leads to "signed-in" (issue 17).

export const IDLE_TIMEOUT_MINUTES = 30;
export const ABSOLUTE_TIMEOUT_HOURS = 12;
/** Between a correct password and the second factor. */
export const PENDING_TIMEOUT_MINUTES = 10;
const RECOVERY_CODE_COUNT = 10;

const minutes = (n: number) => n * 60_000;

export type SignInFailure = "invalid" | "locked";

type Attempt = { clientAddress: string } & AttemptTiming;

/**
 * First step: email and password. The answer, and the time it takes, are
 * the same whether or not the account exists. Each attempt is counted before
 * the password is checked, per typed address and per client address, so a
 * burst of guesses gets no more checks than the limit.
 */
export async function signInWithPassword(
  input: { email: string; password: string } & Attempt,
): Promise<{ ok: true; pendingToken: string; next: "code" | "enrol" } | { ok: false; reason: SignInFailure }> {
  const now = input.now ?? new Date();
  const [user, email] = await withoutPractice((tx) => Promise.all([getStaffUserByEmail(tx, input.email), emailAsLookedUp(tx, input.email)]));
  const attempt = await claimAttempts([accountKey(email), addressKey(input.clientAddress)], input);
  if (!attempt.allowed) {
    await auditAnonymous(null, "staff.sign-in-refused-locked");
    return { ok: false, reason: "locked" };
  }

  // The password is checked (argon2, ~0.1 s of CPU) with no connection held.
  const right = (await verifyPassword(user?.passwordHash ?? null, input.password)) && user?.status === "active";
  await attempt.settle(right);
  if (!right) {
    await auditAnonymous(user?.id ?? null, "staff.sign-in-failed", { step: "password" });
    return { ok: false, reason: attempt.locked ? "locked" : "invalid" };
  }
  const pendingToken = await withoutPractice((tx) => startSession(tx, user.id, "password-verified", null, now));
  return { ok: true, pendingToken, next: user.totpEnrolledAt ? "code" : "enrol" };
}

function auditAnonymous(actorId: string | null, action: string, summary?: Record<string, unknown>): Promise<void> {
  return withoutPractice((tx) => appendAuditEvent(tx, { practiceId: null, actorId, actorRole: "anonymous", action, summary }));
}

/**
 * A new session. A half-way one carries a fresh authenticator secret of its
 * own, shown only if its person has no authenticator yet: a secret kept on the
 * person would let anyone with the password alone read it before they enrol.
 */
export async function startSession(
  tx: Executor,
  staffUserId: string,
  stage: "password-verified" | "signed-in",
  practiceId: string | null,
  now: Date,
): Promise<string> {
  const token = randomToken();
  const halfWay = stage === "password-verified";
  await insertSession(tx, {
    tokenHash: hashToken(token),
    staffUserId,
    stage,
    practiceId,
    totpPendingSecret: halfWay ? newTotpSecret() : null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + (halfWay ? minutes(PENDING_TIMEOUT_MINUTES) : minutes(ABSOLUTE_TIMEOUT_HOURS * 60))),
  });
  return token;
}

/** What a half-way sign-in needs next: a code, setting up an authenticator, or seeing the recovery codes. */
export type HalfWayStep = "code" | "scan" | "finish";

interface HalfWay {
  session: StaffSession;
  user: StaffUser;
  step: HalfWayStep;
}

/**
 * A half-way sign-in (unexpired, its person active) and its next step. With
 * `lock`, its row stays locked until the transaction ends, so requests with
 * one token take turns and none acts on what another has just changed.
 */
async function halfWaySignIn(tx: Executor, pendingToken: string | null, now: Date, lock = false): Promise<HalfWay | null> {
  if (!pendingToken) return null;
  const session = await (lock ? getSessionForUpdate : getSession)(tx, hashToken(pendingToken));
  if (!session || session.stage === "signed-in" || session.expiresAt <= now) return null;
  const user = await getStaffUserById(tx, session.staffUserId);
  if (!user || user.status !== "active") return null;
  const step = session.stage === "authenticator-enrolled" ? "finish" : user.totpEnrolledAt ? "code" : "scan";
  return { session, user, step };
}

/** Which step a half-way sign-in is at, for the page to show (or null: sign in again). */
export async function pendingSignInStep(pendingToken: string | null): Promise<HalfWayStep | null> {
  return withoutPractice(async (tx) => (await halfWaySignIn(tx, pendingToken, new Date()))?.step ?? null);
}

/**
 * Second step: a code from the authenticator app (or an unused recovery
 * code). Success replaces the pending session with a new signed-in one, so
 * a session id seen before sign-in is never the one that is trusted.
 */
export async function verifySecondFactor(
  input: { pendingToken: string | null; code: string } & Attempt,
): Promise<{ ok: true; sessionToken: string } | { ok: false; reason: SignInFailure | "expired" }> {
  const now = input.now ?? new Date();
  const found = await withoutPractice((tx) => halfWaySignIn(tx, input.pendingToken, now));
  if (found?.step !== "code") return { ok: false, reason: "expired" };
  const userId = found.user.id;
  const tokenHash = hashToken(input.pendingToken!);
  const attempt = await claimAttempts([secondFactorKey(userId), addressKey(input.clientAddress)], input);
  if (!attempt.allowed) {
    await withoutPractice((tx) => deleteSession(tx, tokenHash));
    return { ok: false, reason: "locked" };
  }

  const code = input.code.replace(/[\s-]/g, "");
  const outcome = await withoutPractice(async (tx) => {
    // Read again, locked, after the wait: a reset or another request may have changed things.
    const current = await halfWaySignIn(tx, input.pendingToken, now, true);
    if (current?.step !== "code" || current.user.id !== userId) return { kind: "expired" as const };
    const method = /^\d{6}$/.test(code) ? "totp" : /^[a-z0-9]{10}$/i.test(code) ? "recovery-code" : null;
    if (!method || !(await secondFactorIsRight(tx, current.user, code, method, now))) return { kind: "wrong" as const };
    const sessionToken = await completeSignIn(tx, userId, tokenHash, "password-verified", now, method);
    return sessionToken ? { kind: "signed-in" as const, sessionToken } : { kind: "expired" as const };
  });
  // Settled once that transaction has committed: it takes a connection of its own.
  await attempt.settle(outcome.kind === "signed-in");
  if (outcome.kind === "signed-in") return { ok: true, sessionToken: outcome.sessionToken };
  if (outcome.kind === "expired") return { ok: false, reason: "expired" };
  await withoutPractice(async (tx) => {
    if (attempt.locked) await deleteSession(tx, tokenHash);
    await appendAuditEvent(tx, { practiceId: null, actorId: userId, actorRole: "anonymous", action: "staff.sign-in-failed", summary: { step: "second-factor" } });
  });
  return { ok: false, reason: attempt.locked ? "locked" : "invalid" };
}

/** A current authenticator code not used before, or one of the person's unused recovery codes (used up). */
async function secondFactorIsRight(tx: Executor, user: StaffUser, code: string, method: "totp" | "recovery-code", now: Date): Promise<boolean> {
  if (method === "recovery-code") return consumeRecoveryCode(tx, user.id, hashToken(code.toLowerCase()), now);
  const step = user.totpSecret ? totpStep(user.totpSecret, code, now) : null;
  return step !== null && claimTotpStep(tx, user.id, step);
}

/**
 * Ends the half-way session (only if it is still at `stage`: of two requests
 * racing with one token, one wins) and starts a signed-in one. Null if it was
 * already taken or has expired.
 */
async function completeSignIn(
  tx: Executor,
  userId: string,
  pendingTokenHash: string,
  stage: "password-verified" | "authenticator-enrolled",
  now: Date,
  method: string,
): Promise<string | null> {
  if ((await takeSessionAtStage(tx, pendingTokenHash, stage, now)) !== userId) return null;
  const memberships = (await listMembershipsOfUser(tx, userId)).filter((m) => !m.disabled);
  // With one practice there is nothing to choose; with several, staff choose.
  const practiceId = memberships.length === 1 ? memberships[0]!.practiceId : null;
  const sessionToken = await startSession(tx, userId, "signed-in", practiceId, now);
  await appendAuditEvent(tx, {
    practiceId,
    actorId: userId,
    actorRole: memberships.length === 1 ? memberships[0]!.role : "staff",
    action: "staff.signed-in",
    summary: { method },
  });
  return sessionToken;
}

/** The secret and QR code to show while someone sets up their authenticator app. Reads only. */
export async function startTotpEnrolment(
  pendingToken: string | null,
): Promise<{ ok: true; secret: string; qrSvg: string; email: string } | { ok: false }> {
  return withoutPractice(async (tx) => {
    const halfWay = await halfWaySignIn(tx, pendingToken, new Date());
    const secret = halfWay?.session.totpPendingSecret;
    if (halfWay?.step !== "scan" || !secret) return { ok: false as const };
    return { ok: true as const, secret, qrSvg: await totpQrSvg(totpUri(secret, halfWay.user.email)), email: halfWay.user.email };
  });
}

/**
 * Enrolment ends with a code from the new app, proving it is set up. Then
 * ten one-time recovery codes are made and returned to show once (only their
 * hashes are kept), and the half-way session records that this sign-in has
 * proven a new authenticator. The person is not signed in until they say they
 * have saved the codes (finishEnrolment).
 */
export async function confirmTotpEnrolment(
  input: { pendingToken: string | null; code: string; now?: Date },
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; reason: "expired" | "invalid" }> {
  const now = input.now ?? new Date();
  return withoutPractice(async (tx) => {
    const halfWay = await halfWaySignIn(tx, input.pendingToken, now, true);
    const secret = halfWay?.session.totpPendingSecret;
    if (halfWay?.step !== "scan" || !secret) return { ok: false as const, reason: "expired" as const };
    const step = totpStep(secret, input.code.replace(/\s/g, ""), now);
    if (step === null) return { ok: false as const, reason: "invalid" as const };
    const tokenHash = hashToken(input.pendingToken!);
    const enrolled =
      (await enrolAuthenticator(tx, halfWay.user.id, secret, step, now)) &&
      (await advanceSessionStage(tx, tokenHash, "password-verified", "authenticator-enrolled", now));
    // Another sign-in of the same person enrolled first: this one starts again.
    if (!enrolled) return { ok: false as const, reason: "expired" as const };

    const recoveryCodes = await replaceWithNewRecoveryCodes(tx, halfWay.user.id);
    await appendAuditEvent(tx, { practiceId: null, actorId: halfWay.user.id, actorRole: "staff", action: "staff.totp-enrolled" });
    return { ok: true as const, recoveryCodes };
  });
}

/**
 * The last step of enrolment: the half-way session becomes a signed-in one,
 * but only a session that proved a new authenticator in this same sign-in.
 * A password-only session of someone already enrolled must give a code.
 */
export async function finishEnrolment(pendingToken: string | null): Promise<{ ok: true; sessionToken: string } | { ok: false }> {
  const now = new Date();
  return withoutPractice(async (tx) => {
    const halfWay = await halfWaySignIn(tx, pendingToken, now, true);
    if (halfWay?.step !== "finish") return { ok: false as const };
    const sessionToken = await completeSignIn(tx, halfWay.user.id, hashToken(pendingToken!), "authenticator-enrolled", now, "enrolment");
    return sessionToken ? { ok: true as const, sessionToken } : { ok: false as const };
  });
}

export async function replaceWithNewRecoveryCodes(tx: Executor, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomRecoveryCode());
  await replaceRecoveryCodes(tx, userId, codes.map(hashToken));
  return codes;
}

// Ten characters from 31 letters and digits with no look-alikes (about 49 bits).
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
function randomRecoveryCode(): string {
  return Array.from(randomBytes(10), (b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join("");
}

