import { randomBytes } from "node:crypto";
import { withoutPractice } from "../../db/tenancy.server";
import type { Executor } from "../../db/executor.server";
import { verifyPassword } from "../auth/password.server";
import { hashToken, randomToken } from "../auth/tokens.server";
import { newTotpSecret, totpQrSvg, totpStep, totpUri } from "../auth/totp.server";
import { appendAuditEvent } from "../models/audit.server";
import { advanceSessionStage, deleteSession, getSession, insertSession, takeSessionAtStage } from "../models/sessions.server";
import {
  claimTotpStep,
  consumeRecoveryCode,
  getStaffUserByEmail,
  getStaffUserById,
  listMembershipsOfUser,
  replaceRecoveryCodes,
  updateStaffUser,
  type StaffUser,
} from "../models/staff.server";
import { accountKey, addressKey, claimAttempts, secondFactorKey, type AttemptTiming } from "./sign-in-attempts.server";

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
  const attempt = await claimAttempts([accountKey(input.email), addressKey(input.clientAddress)], input);
  if (!attempt.allowed) {
    await auditAnonymous(null, "staff.sign-in-refused-locked");
    return { ok: false, reason: "locked" };
  }

  // The password is checked (argon2, ~0.1 s of CPU) with no connection held.
  const user = await withoutPractice((tx) => getStaffUserByEmail(tx, input.email));
  const right = (await verifyPassword(user?.passwordHash ?? null, input.password)) && user?.status === "active";
  await attempt.settle(right);
  if (!right) {
    await auditAnonymous(user?.id ?? null, "staff.sign-in-failed", { step: "password" });
    return { ok: false, reason: attempt.firstKeyLocked ? "locked" : "invalid" };
  }
  return withoutPractice(async (tx) => {
    await prepareEnrolment(tx, user);
    const pendingToken = await startSession(tx, user.id, "password-verified", null, now);
    return { ok: true as const, pendingToken, next: user.totpEnrolledAt ? ("code" as const) : ("enrol" as const) };
  });
}

function auditAnonymous(actorId: string | null, action: string, summary?: Record<string, unknown>): Promise<void> {
  return withoutPractice((tx) => appendAuditEvent(tx, { practiceId: null, actorId, actorRole: "anonymous", action, summary }));
}

export async function startSession(
  tx: Executor,
  staffUserId: string,
  stage: "password-verified" | "signed-in",
  practiceId: string | null,
  now: Date,
): Promise<string> {
  const token = randomToken();
  await insertSession(tx, {
    tokenHash: hashToken(token),
    staffUserId,
    stage,
    practiceId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + (stage === "signed-in" ? minutes(ABSOLUTE_TIMEOUT_HOURS * 60) : minutes(PENDING_TIMEOUT_MINUTES))),
  });
  return token;
}

/**
 * A half-way sign-in and its person, if the session is at `stage`, unexpired,
 * and the person active. The stage is what the sign-in has proven so far:
 * "password-verified" (the password only) or "authenticator-enrolled" (the
 * password, then a new authenticator proven with a code, in this same sign-in).
 */
async function halfWaySignIn(
  tx: Executor,
  pendingToken: string | null,
  stage: "password-verified" | "authenticator-enrolled",
  now: Date,
): Promise<StaffUser | null> {
  if (!pendingToken) return null;
  const session = await getSession(tx, hashToken(pendingToken));
  if (!session || session.stage !== stage || session.expiresAt <= now) return null;
  const user = await getStaffUserById(tx, session.staffUserId);
  return user && user.status === "active" ? user : null;
}

/** Which page a half-way sign-in belongs on: the code, or setting up the app. */
export async function hasPendingSignIn(pendingToken: string | null): Promise<"code" | "enrol" | null> {
  return withoutPractice(async (tx) => {
    const now = new Date();
    const user = await halfWaySignIn(tx, pendingToken, "password-verified", now);
    if (user) return user.totpEnrolledAt ? "code" : "enrol";
    return (await halfWaySignIn(tx, pendingToken, "authenticator-enrolled", now)) ? "enrol" : null;
  });
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
  const user = await withoutPractice((tx) => halfWaySignIn(tx, input.pendingToken, "password-verified", now));
  if (!user || !user.totpSecret) return { ok: false, reason: "expired" };
  const attempt = await claimAttempts([secondFactorKey(user.id), addressKey(input.clientAddress)], input);
  if (!attempt.allowed) {
    await withoutPractice((tx) => deleteSession(tx, hashToken(input.pendingToken!)));
    return { ok: false, reason: "locked" };
  }

  const code = input.code.replace(/[\s-]/g, "");
  return withoutPractice(async (tx) => {
    const method = /^\d{6}$/.test(code) ? "totp" : /^[a-z0-9]{10}$/i.test(code) ? "recovery-code" : null;
    const right = method !== null && (await secondFactorIsRight(tx, user, code, method, now));
    await attempt.settle(right);
    if (!right) {
      if (attempt.firstKeyLocked) await deleteSession(tx, hashToken(input.pendingToken!));
      await appendAuditEvent(tx, { practiceId: null, actorId: user.id, actorRole: "anonymous", action: "staff.sign-in-failed", summary: { step: "second-factor" } });
      return { ok: false as const, reason: attempt.firstKeyLocked ? ("locked" as const) : ("invalid" as const) };
    }
    const sessionToken = await completeSignIn(tx, user.id, input.pendingToken!, "password-verified", now, method);
    return sessionToken ? { ok: true as const, sessionToken } : { ok: false as const, reason: "expired" as const };
  });
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
  pendingToken: string,
  stage: "password-verified" | "authenticator-enrolled",
  now: Date,
  method: string,
): Promise<string | null> {
  if ((await takeSessionAtStage(tx, hashToken(pendingToken), stage, now)) !== userId) return null;
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
    const user = await halfWaySignIn(tx, pendingToken, "password-verified", new Date());
    if (!user || user.totpEnrolledAt || !user.totpPendingSecret) return { ok: false as const };
    const secret = user.totpPendingSecret;
    return { ok: true as const, secret, qrSvg: await totpQrSvg(totpUri(secret, user.email)), email: user.email };
  });
}

/** A secret to enrol, made (by a POST) as soon as someone passes the password step without one. */
export async function prepareEnrolment(tx: Executor, user: StaffUser): Promise<void> {
  if (!user.totpEnrolledAt && !user.totpPendingSecret) await updateStaffUser(tx, user.id, { totpPendingSecret: newTotpSecret() });
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
    const user = await halfWaySignIn(tx, input.pendingToken, "password-verified", now);
    if (!user || user.totpEnrolledAt || !user.totpPendingSecret) return { ok: false as const, reason: "expired" as const };
    const step = totpStep(user.totpPendingSecret, input.code.replace(/\s/g, ""), now);
    if (step === null) return { ok: false as const, reason: "invalid" as const };
    if (!(await advanceSessionStage(tx, hashToken(input.pendingToken!), "password-verified", "authenticator-enrolled", now))) {
      return { ok: false as const, reason: "expired" as const };
    }

    await updateStaffUser(tx, user.id, {
      totpSecret: user.totpPendingSecret,
      totpPendingSecret: null,
      totpEnrolledAt: now,
      totpLastStep: step,
    });
    const recoveryCodes = await replaceWithNewRecoveryCodes(tx, user.id);
    await appendAuditEvent(tx, { practiceId: null, actorId: user.id, actorRole: "staff", action: "staff.totp-enrolled" });
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
    const user = await halfWaySignIn(tx, pendingToken, "authenticator-enrolled", now);
    if (!user || !user.totpEnrolledAt) return { ok: false as const };
    const sessionToken = await completeSignIn(tx, user.id, pendingToken!, "authenticator-enrolled", now, "enrolment");
    return sessionToken ? { ok: true as const, sessionToken } : { ok: false as const };
  });
}

/**
 * Where a half-way sign-in stands on the enrolment page: setting up the app,
 * just set it up, or (already enrolled) to give a code instead.
 */
export async function enrolmentStage(pendingToken: string | null): Promise<"scan" | "finish" | "code" | null> {
  return withoutPractice(async (tx) => {
    const now = new Date();
    if (await halfWaySignIn(tx, pendingToken, "authenticator-enrolled", now)) return "finish";
    const user = await halfWaySignIn(tx, pendingToken, "password-verified", now);
    if (!user) return null;
    return user.totpEnrolledAt ? "code" : "scan";
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

