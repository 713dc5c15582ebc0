import { withoutPractice } from "../../db/tenancy.server";
import { hashPassword, passwordProblem } from "../auth/password.server";
import { hashToken } from "../auth/tokens.server";
import type { PasswordProblem } from "../domain/password-policy";
import { appendAuditEvent } from "../models/audit.server";
import { deleteSessionsOfUser } from "../models/sessions.server";
import { consumeSetupToken, getStaffUserById, getValidSetupToken, listMembershipsOfUser, updateStaffUser } from "../models/staff.server";
import { prepareEnrolment, startSession } from "./staff-auth.server";

export type SetupProblem = PasswordProblem | "mismatch";

/** Whether a set-up link is still good, and for whom. */
export async function lookUpSetupLink(token: string): Promise<{ email: string; name: string } | null> {
  return withoutPractice(async (tx) => {
    const row = await getValidSetupToken(tx, hashToken(token), new Date());
    if (!row) return null;
    const user = await getStaffUserById(tx, row.staffUserId);
    return user && user.status !== "disabled" ? { email: user.email, name: user.name } : null;
  });
}

/**
 * A set-up link (from an invitation or `cli staff add`) lets its person
 * choose a password; they then set up their authenticator app.
 */
export async function completeSetup(input: {
  token: string;
  password: string;
  confirmPassword: string;
  now?: Date;
}): Promise<{ ok: true; pendingToken: string } | { ok: false; reason: "expired" } | { ok: false; reason: "password"; problem: SetupProblem }> {
  const now = input.now ?? new Date();
  return withoutPractice(async (tx) => {
    const row = await getValidSetupToken(tx, hashToken(input.token), now);
    const user = row ? await getStaffUserById(tx, row.staffUserId) : null;
    if (!user || user.status === "disabled") return { ok: false as const, reason: "expired" as const };
    const memberships = await listMembershipsOfUser(tx, user.id);
    const problem = passwordProblem(input.password, [user.email, user.name, ...memberships.map((m) => m.practiceName)]);
    if (problem) return { ok: false as const, reason: "password" as const, problem };
    if (input.password !== input.confirmPassword) {
      return { ok: false as const, reason: "password" as const, problem: "mismatch" as const };
    }
    if (!(await consumeSetupToken(tx, hashToken(input.token), now))) return { ok: false as const, reason: "expired" as const };

    await updateStaffUser(tx, user.id, { passwordHash: await hashPassword(input.password), passwordChangedAt: now, status: "active" });
    await deleteSessionsOfUser(tx, user.id);
    await prepareEnrolment(tx, user);
    await appendAuditEvent(tx, { practiceId: null, actorId: user.id, actorRole: "staff", action: "staff.password-set" });
    const pendingToken = await startSession(tx, user.id, "password-verified", null, now);
    return { ok: true as const, pendingToken };
  });
}

