import { withoutPractice } from "../../db/tenancy.server";
import { hashPassword, passwordProblem, verifyPassword } from "../auth/password.server";
import { totpStep } from "../auth/totp.server";
import { appendAuditEvent } from "../models/audit.server";
import { emailAsLookedUp } from "../models/auth-throttle.server";
import { deleteSession, deleteSessionsOfUser } from "../models/sessions.server";
import { claimTotpStep, getStaffUserById, listMembershipsOfUser, updateStaffUser } from "../models/staff.server";
import { accountKey, addressKey, claimAttempts, secondFactorKey, type AttemptTiming } from "./sign-in-attempts.server";
import { replaceWithNewRecoveryCodes } from "./staff-auth.server";
import type { SetupProblem } from "./staff-setup.server";
import type { StaffContext } from "./staff-session.server";

// Changing a factor (the password, the recovery codes) asks for both factors
// again: a session left open on a shared computer, or stolen, must not be
// enough to take the account over. Guesses count against the same limits as
// signing in.

type AccountContext = Pick<StaffContext, "sessionTokenHash" | "user" | "practice" | "role">;

export interface BothFactors {
  currentPassword: string;
  code: string;
}

export type ProofProblem = { field: "currentPassword" | "code"; problem: "wrong" } | { field: "currentPassword"; problem: "locked" };

/**
 * The current password and a current authenticator code (not used before).
 * Too many wrong tries lock the account as at sign-in, and end this session.
 */
async function proveBothFactors(context: AccountContext, input: BothFactors, attempt: { clientAddress: string } & AttemptTiming): Promise<ProofProblem | null> {
  const now = attempt.now ?? new Date();
  const [user, email] = await withoutPractice((tx) => Promise.all([getStaffUserById(tx, context.user.id), emailAsLookedUp(tx, context.user.email)]));
  // The second-factor count too: a right password at sign-in resets the account's count, not this one.
  const claim = await claimAttempts([accountKey(email), secondFactorKey(context.user.id), addressKey(attempt.clientAddress)], attempt);
  if (!claim.allowed) {
    await withoutPractice((tx) => deleteSession(tx, context.sessionTokenHash));
    return { field: "currentPassword", problem: "locked" };
  }
  const passwordRight = await verifyPassword(user?.passwordHash ?? null, input.currentPassword);
  const step = user?.totpSecret ? totpStep(user.totpSecret, input.code.replace(/[\s-]/g, ""), now) : null;
  const codeRight = passwordRight && step !== null && (await withoutPractice((tx) => claimTotpStep(tx, context.user.id, step)));
  await claim.settle(passwordRight && codeRight);
  if (passwordRight && codeRight) return null;
  if (claim.locked) {
    await withoutPractice((tx) => deleteSession(tx, context.sessionTokenHash));
    return { field: "currentPassword", problem: "locked" };
  }
  return { field: passwordRight ? "code" : "currentPassword", problem: "wrong" };
}

/** A new set of recovery codes, asked for on the account page; the old set stops working. */
export async function issueNewRecoveryCodes(
  context: AccountContext,
  input: BothFactors,
  attempt: { clientAddress: string } & AttemptTiming,
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; proof: ProofProblem }> {
  const proof = await proveBothFactors(context, input, attempt);
  if (proof) return { ok: false, proof };
  return withoutPractice(async (tx) => {
    const recoveryCodes = await replaceWithNewRecoveryCodes(tx, context.user.id);
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "staff.recovery-codes-replaced",
    });
    return { ok: true as const, recoveryCodes };
  });
}

/**
 * Changing a password ends every other session of the person; the one they
 * are using carries on.
 */
export async function changePassword(
  context: AccountContext,
  input: BothFactors & { newPassword: string; confirmPassword: string },
  attempt: { clientAddress: string } & AttemptTiming,
): Promise<{ ok: true } | { ok: false; field: "newPassword" | "confirmPassword"; problem: SetupProblem } | { ok: false; proof: ProofProblem }> {
  const memberships = await withoutPractice((tx) => listMembershipsOfUser(tx, context.user.id));
  // The new password is checked first: a weak one costs no guess at the current one.
  const problem = passwordProblem(input.newPassword, [context.user.email, context.user.name, ...memberships.map((m) => m.practiceName)]);
  if (problem) return { ok: false, field: "newPassword", problem };
  if (input.newPassword !== input.confirmPassword) return { ok: false, field: "confirmPassword", problem: "mismatch" };

  const proof = await proveBothFactors(context, input, attempt);
  if (proof) return { ok: false, proof };
  const passwordHash = await hashPassword(input.newPassword);
  return withoutPractice(async (tx) => {
    await updateStaffUser(tx, context.user.id, { passwordHash, passwordChangedAt: new Date() });
    await deleteSessionsOfUser(tx, context.user.id, context.sessionTokenHash);
    await appendAuditEvent(tx, { practiceId: context.practice.id, actorId: context.user.id, actorRole: context.role, action: "staff.password-changed" });
    return { ok: true as const };
  });
}
