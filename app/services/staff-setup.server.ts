import { withoutPractice } from "../../db/tenancy.server";
import type { Executor } from "../../db/executor.server";
import { hashPassword, passwordProblem } from "../auth/password.server";
import { hashToken } from "../auth/tokens.server";
import type { PasswordProblem } from "../domain/password-policy";
import type { StaffRole } from "../domain/roles";
import { appendAuditEvent } from "../models/audit.server";
import { getPracticeById } from "../models/practices.server";
import { deleteSessionsOfUser } from "../models/sessions.server";
import {
  acceptMembership,
  consumeSetupToken,
  deletePendingMembership,
  getMembership,
  getStaffUserById,
  getValidSetupToken,
  listMembershipsOfUser,
  retireSetupTokens,
  updateStaffUser,
  type SetupLinkRow,
  type StaffUser,
} from "../models/staff.server";
import { startSession } from "./staff-auth.server";
import { lookUpSignedInPerson } from "./staff-session.server";

// The emailed one-time links (/staff/set-up/<token>). Each is bound to the practice that made it:
//  - someone with no password yet (new, or reset by a manager) chooses one, then sets up their
//    authenticator app; an invitation link accepts its own practice's membership, no other;
//  - someone who already has an account signs in, then accepts or declines the invitation.
// A link never accepts another practice's invitation, whoever holds it.

export type SetupProblem = PasswordProblem | "mismatch";

export type SetupLink =
  | { kind: "expired" }
  | { kind: "set-up"; email: string; name: string; practiceName: string; purpose: SetupLinkRow["purpose"] }
  | {
      kind: "accept";
      practiceName: string;
      role: StaffRole;
      /** Who is signed in here: nobody, the person invited, or someone else. */
      viewer: "signed-out" | "invited-person" | "someone-else";
    };

interface UsableLink {
  row: SetupLinkRow & { practiceId: string };
  user: StaffUser;
  practiceName: string;
  /** The invitation the link answers: null for a reset link. */
  invitation: { role: StaffRole } | null;
}

/**
 * A link still good: unused, in date, for a person not disabled, and (for an invitation) with
 * its practice's invitation still waiting.
 */
async function usableLink(tx: Executor, token: string, now: Date): Promise<UsableLink | null> {
  const row = await getValidSetupToken(tx, hashToken(token), now);
  if (!row?.practiceId) return null;
  const [user, practice] = await Promise.all([getStaffUserById(tx, row.staffUserId), getPracticeById(tx, row.practiceId)]);
  if (!user || user.status === "disabled" || !practice) return null;
  if (row.purpose === "reset") return { row: { ...row, practiceId: row.practiceId }, user, practiceName: practice.name, invitation: null };
  const membership = await getMembership(tx, row.practiceId, user.id);
  if (!membership || membership.accepted) return null;
  return { row: { ...row, practiceId: row.practiceId }, user, practiceName: practice.name, invitation: { role: membership.role } };
}

/** What a link offers the person holding it, given who (if anyone) is signed in in this browser. */
export async function lookUpSetupLink(token: string, sessionToken: string | null): Promise<SetupLink> {
  const link = await withoutPractice((tx) => usableLink(tx, token, new Date()));
  if (!link) return { kind: "expired" };
  if (!link.user.passwordHash) {
    return { kind: "set-up", email: link.user.email, name: link.user.name, practiceName: link.practiceName, purpose: link.row.purpose };
  }
  // A reset clears the password, so a reset link for someone with one has been overtaken.
  if (!link.invitation) return { kind: "expired" };
  const person = await lookUpSignedInPerson(sessionToken);
  const viewer = !person ? "signed-out" : person.id === link.user.id ? "invited-person" : "someone-else";
  return { kind: "accept", practiceName: link.practiceName, role: link.invitation.role, viewer };
}

/**
 * Someone with no password yet chooses one; they then set up their authenticator app. An
 * invitation link accepts its own practice's invitation, and only that one; a reset link
 * changes no membership.
 */
export async function completeSetup(input: {
  token: string;
  password: string;
  confirmPassword: string;
  now?: Date;
}): Promise<{ ok: true; pendingToken: string } | { ok: false; reason: "expired" } | { ok: false; reason: "password"; problem: SetupProblem }> {
  const now = input.now ?? new Date();
  return withoutPractice(async (tx) => {
    const link = await usableLink(tx, input.token, now);
    // Someone with a password accepts by signing in, never by choosing another one.
    if (!link || link.user.passwordHash) return { ok: false as const, reason: "expired" as const };
    const { user, row } = link;
    const memberships = await listMembershipsOfUser(tx, user.id);
    const problem = passwordProblem(input.password, [user.email, user.name, link.practiceName, ...memberships.map((m) => m.practiceName)]);
    if (problem) return { ok: false as const, reason: "password" as const, problem };
    if (input.password !== input.confirmPassword) {
      return { ok: false as const, reason: "password" as const, problem: "mismatch" as const };
    }
    if (!(await consumeSetupToken(tx, hashToken(input.token), now))) return { ok: false as const, reason: "expired" as const };

    await updateStaffUser(tx, user.id, { passwordHash: await hashPassword(input.password), passwordChangedAt: now, status: "active" });
    await deleteSessionsOfUser(tx, user.id);
    // New factors are being set: an older reset link must not set them again.
    await retireSetupTokens(tx, user.id, { purpose: "reset" }, now);
    await appendAuditEvent(tx, { practiceId: null, actorId: user.id, actorRole: "staff", action: "staff.password-set" });
    if (link.invitation && (await acceptMembership(tx, row.practiceId, user.id, now))) {
      await appendAuditEvent(tx, {
        practiceId: row.practiceId,
        actorId: user.id,
        actorRole: link.invitation.role,
        action: "staff.invitation-accepted",
        summary: { how: "set-up" },
      });
    }
    const pendingToken = await startSession(tx, user.id, "password-verified", null, now);
    return { ok: true as const, pendingToken };
  });
}

export type InvitationAnswer =
  | { ok: true; practiceName: string; odsCode: string }
  | { ok: false; reason: "expired" | "signed-out" | "someone-else" };

/**
 * A person with an account, signed in (for any practice, or none yet), accepts or declines an
 * invitation with its own link. The link must be theirs, and it answers only its own practice.
 */
export async function answerInvitation(input: {
  token: string;
  sessionToken: string | null;
  answer: "accept" | "decline";
  now?: Date;
}): Promise<InvitationAnswer> {
  const now = input.now ?? new Date();
  const person = await lookUpSignedInPerson(input.sessionToken, now);
  return withoutPractice(async (tx) => {
    const link = await usableLink(tx, input.token, now);
    if (!link?.invitation || !link.user.passwordHash) return { ok: false as const, reason: "expired" as const };
    if (!person) return { ok: false as const, reason: "signed-out" as const };
    if (person.id !== link.user.id) return { ok: false as const, reason: "someone-else" as const };
    if (!(await consumeSetupToken(tx, hashToken(input.token), now))) return { ok: false as const, reason: "expired" as const };
    const { practiceId } = link.row;
    const done =
      input.answer === "accept" ? await acceptMembership(tx, practiceId, person.id, now) : await deletePendingMembership(tx, practiceId, person.id);
    if (!done) return { ok: false as const, reason: "expired" as const };
    await appendAuditEvent(tx, {
      practiceId,
      actorId: person.id,
      actorRole: link.invitation.role,
      action: input.answer === "accept" ? "staff.invitation-accepted" : "staff.invitation-declined",
      summary: input.answer === "accept" ? { how: "signed-in" } : {},
    });
    const practice = (await getPracticeById(tx, practiceId))!;
    return { ok: true as const, practiceName: practice.name, odsCode: practice.odsCode };
  });
}
