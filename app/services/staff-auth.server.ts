import { randomBytes } from "node:crypto";
import { withoutPractice } from "../../db/tenancy.server";
import type { Executor } from "../../db/executor.server";
import { hashPassword, passwordProblem, verifyPassword } from "../auth/password.server";
import { hashToken, randomToken } from "../auth/tokens.server";
import { newTotpSecret, totpQrSvg, totpStep, totpUri } from "../auth/totp.server";
import {
  ACCOUNT_LOCK_AFTER,
  ADDRESS_LOCK_AFTER,
  afterFailure,
  delayBeforeAnswerMs,
  isLocked,
} from "../domain/sign-in-throttle";
import { appendAuditEvent } from "../models/audit.server";
import type { SetupProblem } from "./staff-setup.server";
import { clearThrottle, getThrottle, getThrottleForUpdate, saveThrottle } from "../models/auth-throttle.server";
import { deleteSession, deleteSessionsOfUser, getSession, insertSession } from "../models/sessions.server";
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

export const IDLE_TIMEOUT_MINUTES = 30;
export const ABSOLUTE_TIMEOUT_HOURS = 12;
/** Between a correct password and the second factor. */
export const PENDING_TIMEOUT_MINUTES = 10;
const RECOVERY_CODE_COUNT = 10;

const minutes = (n: number) => n * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type SignInFailure = "invalid" | "locked";

interface Attempt {
  clientAddress: string;
  now?: Date;
  /** Tests set this to observe the slowing without waiting for it. */
  onDelay?: (ms: number) => Promise<void>;
}

const accountKey = (email: string) => `account:${hashToken(email.trim().toLowerCase())}`;
const addressKey = (address: string) => `address:${address}`;

/**
 * First step: email and password. The answer, and the time it takes, are
 * the same whether or not the account exists; repeated failures are slowed,
 * then locked, per typed address and per client address.
 */
export async function signInWithPassword(
  input: { email: string; password: string } & Attempt,
): Promise<{ ok: true; pendingToken: string; next: "code" | "enrol" } | { ok: false; reason: SignInFailure }> {
  const now = input.now ?? new Date();
  const keys = [accountKey(input.email), addressKey(input.clientAddress)];

  return withoutPractice(async (tx) => {
    const [account, address] = await Promise.all(keys.map((k) => getThrottle(tx, k)));
    await (input.onDelay ?? sleep)(delayBeforeAnswerMs(Math.max(account?.failures ?? 0, 0)));
    if (isLocked(account ?? null, now) || isLocked(address ?? null, now)) {
      await appendAuditEvent(tx, { practiceId: null, actorId: null, actorRole: "anonymous", action: "staff.sign-in-refused-locked" });
      return { ok: false as const, reason: "locked" as const };
    }

    const user = await getStaffUserByEmail(tx, input.email);
    const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
    if (!user || !passwordOk || user.status !== "active") {
      const locked = await recordFailure(tx, keys, now);
      await appendAuditEvent(tx, {
        practiceId: null,
        actorId: user?.id ?? null,
        actorRole: "anonymous",
        action: "staff.sign-in-failed",
        summary: { step: "password" },
      });
      return { ok: false as const, reason: locked ? ("locked" as const) : ("invalid" as const) };
    }

    await clearThrottle(tx, keys[0]!);
    await prepareEnrolment(tx, user);
    const pendingToken = await startSession(tx, user.id, "password-verified", null, now);
    return { ok: true as const, pendingToken, next: user.totpEnrolledAt ? ("code" as const) : ("enrol" as const) };
  });
}

/** Counts a failure against each key; true if that locked the account. */
async function recordFailure(tx: Executor, [account, address]: string[], now: Date): Promise<boolean> {
  const accountState = afterFailure(await getThrottleForUpdate(tx, account!), now, ACCOUNT_LOCK_AFTER);
  await saveThrottle(tx, account!, accountState);
  await saveThrottle(tx, address!, afterFailure(await getThrottleForUpdate(tx, address!), now, ADDRESS_LOCK_AFTER));
  return isLocked(accountState, now);
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

/** The user behind a session that has passed the password step only. */
async function pendingUser(tx: Executor, pendingToken: string | null, now: Date): Promise<StaffUser | null> {
  if (!pendingToken) return null;
  const session = await getSession(tx, hashToken(pendingToken));
  if (!session || session.stage !== "password-verified" || session.expiresAt <= now) return null;
  const user = await getStaffUserById(tx, session.staffUserId);
  return user && user.status === "active" ? user : null;
}

export async function hasPendingSignIn(pendingToken: string | null): Promise<"code" | "enrol" | null> {
  return withoutPractice(async (tx) => {
    const user = await pendingUser(tx, pendingToken, new Date());
    if (!user) return null;
    return user.totpEnrolledAt ? "code" : "enrol";
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
  return withoutPractice(async (tx) => {
    const user = await pendingUser(tx, input.pendingToken, now);
    if (!user || !user.totpSecret) return { ok: false as const, reason: "expired" as const };
    const keys = [accountKey(user.email), addressKey(input.clientAddress)];
    const account = await getThrottle(tx, keys[0]!);
    await (input.onDelay ?? sleep)(delayBeforeAnswerMs(account?.failures ?? 0));
    if (isLocked(account, now)) return { ok: false as const, reason: "locked" as const };

    const code = input.code.replace(/[\s-]/g, "");
    let accepted = false;
    if (/^\d{6}$/.test(code)) {
      const step = totpStep(user.totpSecret, code, now);
      accepted = step !== null && (await claimTotpStep(tx, user.id, step));
    } else if (/^[a-z0-9]{10}$/i.test(code)) {
      accepted = await consumeRecoveryCode(tx, user.id, hashToken(code.toLowerCase()), now);
    }

    if (!accepted) {
      const locked = await recordFailure(tx, keys, now);
      if (locked) await deleteSession(tx, hashToken(input.pendingToken!));
      await appendAuditEvent(tx, {
        practiceId: null,
        actorId: user.id,
        actorRole: "anonymous",
        action: "staff.sign-in-failed",
        summary: { step: "second-factor" },
      });
      return { ok: false as const, reason: locked ? ("locked" as const) : ("invalid" as const) };
    }

    await clearThrottle(tx, keys[0]!);
    const sessionToken = await completeSignIn(tx, user.id, input.pendingToken!, now, /^\d{6}$/.test(code) ? "totp" : "recovery-code");
    return { ok: true as const, sessionToken };
  });
}

async function completeSignIn(tx: Executor, userId: string, pendingToken: string, now: Date, method: string): Promise<string> {
  await deleteSession(tx, hashToken(pendingToken));
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
    const user = await pendingUser(tx, pendingToken, new Date());
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
 * hashes are kept). The person is not signed in until they say they have
 * saved them (finishEnrolment).
 */
export async function confirmTotpEnrolment(
  input: { pendingToken: string | null; code: string; now?: Date },
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; reason: "expired" | "invalid" }> {
  const now = input.now ?? new Date();
  return withoutPractice(async (tx) => {
    const user = await pendingUser(tx, input.pendingToken, now);
    if (!user || user.totpEnrolledAt || !user.totpPendingSecret) return { ok: false as const, reason: "expired" as const };
    const step = totpStep(user.totpPendingSecret, input.code.replace(/\s/g, ""), now);
    if (step === null) return { ok: false as const, reason: "invalid" as const };

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

/** The last step of enrolment: the half-way session becomes a signed-in one. */
export async function finishEnrolment(pendingToken: string | null): Promise<{ ok: true; sessionToken: string } | { ok: false }> {
  const now = new Date();
  return withoutPractice(async (tx) => {
    const user = await pendingUser(tx, pendingToken, now);
    if (!user || !user.totpEnrolledAt) return { ok: false as const };
    return { ok: true as const, sessionToken: await completeSignIn(tx, user.id, pendingToken!, now, "enrolment") };
  });
}

/** Where a half-way sign-in stands: setting up the app, or just set it up. */
export async function enrolmentStage(pendingToken: string | null): Promise<"scan" | "finish" | null> {
  return withoutPractice(async (tx) => {
    const user = await pendingUser(tx, pendingToken, new Date());
    if (!user) return null;
    return user.totpEnrolledAt ? "finish" : "scan";
  });
}

async function replaceWithNewRecoveryCodes(tx: Executor, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomRecoveryCode());
  await replaceRecoveryCodes(tx, userId, codes.map(hashToken));
  return codes;
}

/** A new set of recovery codes, asked for on the account page; the old set stops working. */
export async function issueNewRecoveryCodes(context: {
  user: { id: string };
  practice: { id: string };
  role: string;
}): Promise<string[]> {
  return withoutPractice(async (tx) => {
    const codes = await replaceWithNewRecoveryCodes(tx, context.user.id);
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "staff.recovery-codes-replaced",
    });
    return codes;
  });
}

// Ten characters from 31 letters and digits with no look-alikes (about 49 bits).
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
function randomRecoveryCode(): string {
  return Array.from(randomBytes(10), (b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join("");
}

/**
 * Changing a password ends every other session of the person; the one they
 * are using carries on.
 */
export async function changePassword(
  context: { sessionTokenHash: string; user: { id: string }; practice: { id: string; name: string }; role: string },
  input: { currentPassword: string; newPassword: string; confirmPassword: string },
): Promise<{ ok: true } | { ok: false; field: "currentPassword" | "newPassword" | "confirmPassword"; problem: SetupProblem | "wrong" }> {
  return withoutPractice(async (tx) => {
    const user = await getStaffUserById(tx, context.user.id);
    if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
      return { ok: false as const, field: "currentPassword" as const, problem: "wrong" as const };
    }
    const memberships = await listMembershipsOfUser(tx, user.id);
    const problem = passwordProblem(input.newPassword, [user.email, user.name, ...memberships.map((m) => m.practiceName)]);
    if (problem) return { ok: false as const, field: "newPassword" as const, problem };
    if (input.newPassword !== input.confirmPassword) {
      return { ok: false as const, field: "confirmPassword" as const, problem: "mismatch" as const };
    }
    await updateStaffUser(tx, user.id, { passwordHash: await hashPassword(input.newPassword), passwordChangedAt: new Date() });
    await deleteSessionsOfUser(tx, user.id, context.sessionTokenHash);
    await appendAuditEvent(tx, { practiceId: context.practice.id, actorId: user.id, actorRole: context.role, action: "staff.password-changed" });
    return { ok: true as const };
  });
}
