import { z } from "zod";
import { withoutPractice } from "../../db/tenancy.server";
import type { Executor } from "../../db/executor.server";
import { hashToken, randomToken } from "../auth/tokens.server";
import { getEnv } from "../env.server";
import { roleInSentence, SETUP_LINK_DAYS } from "../content/staff";
import { STAFF_ROLES, type StaffRole } from "../domain/roles";
import { appendAuditEvent } from "../models/audit.server";
import { getPracticeByOdsCode } from "../models/practices.server";
import { deleteSessionsOfUser } from "../models/sessions.server";
import {
  acceptMembership,
  deletePendingMembership,
  deleteRecoveryCodes,
  getMembership,
  getPracticeStaffMember,
  getStaffUserByEmail,
  insertMembership,
  updateInvitation,
  insertSetupToken,
  insertStaffUser,
  listMembershipsOfUser,
  listPracticeStaff,
  retireSetupTokens,
  setMembershipDisabled,
  updateMembershipRole,
  updateStaffUser,
  type PracticeStaffMember,
  type SetupLinkPurpose,
} from "../models/staff.server";
import { sendStaffMail } from "./staff-mail.server";
import type { StaffContext } from "./staff-session.server";

export const inviteSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, { error: "Enter their email address" })
    .max(254)
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: "Enter an email address in the correct format, like name@example.nhs.uk" }),
  name: z.string().trim().min(1, { error: "Enter their full name" }).max(200),
  role: z.enum(STAFF_ROLES, { error: "Select their role" }),
});

/** `cli staff add`: the operator is given the link as well as the person. */
export type InviteResult =
  | { ok: true; kind: "invited"; setupLink: string; email: string; emailed: boolean }
  | { ok: true; kind: "added"; email: string }
  | { ok: false; error: string };

/** An invitation from the team page: the link goes only to the person, never back to the manager. */
export type WebInviteResult = { ok: true; email: string; emailed: boolean } | { ok: false; error: string };

interface NewLink {
  url: string;
  expiresAt: Date;
}

/**
 * A one-time link for a person, bound to the practice that made it: an invitation can accept only
 * that practice's membership. Only the newest link of the same kind works: a fresh invitation
 * replaces this practice's last one, a reset replaces every earlier reset.
 */
async function createSetupLink(tx: Executor, staffUserId: string, practiceId: string, purpose: SetupLinkPurpose, now: Date): Promise<NewLink> {
  await retireSetupTokens(tx, staffUserId, purpose === "invitation" ? { purpose, practiceId } : { purpose }, now);
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + SETUP_LINK_DAYS * 86_400_000);
  await insertSetupToken(tx, { tokenHash: hashToken(token), staffUserId, practiceId, purpose, expiresAt });
  return { url: `${getEnv().publicUrl}/staff/set-up/${token}`, expiresAt };
}

type Invitation =
  | { kind: "already-works-here"; email: string }
  | { kind: "added"; email: string }
  | { kind: "invited"; email: string; role: StaffRole; practice: { id: string; name: string }; link: NewLink };

/**
 * Invites a person to a practice with a role. The membership is an invitation until the person
 * accepts it with this practice's link (emailed to them): by setting up their account if they
 * have none, or by signing in and accepting if they have. Whether the address already has an
 * account anywhere makes no difference to what the practice sees.
 *
 * Only the operator (`cli staff add`, acceptExisting) adds someone who already has an account
 * straight away, as before.
 */
async function addToPractice(
  tx: Executor,
  practice: { id: string; name: string },
  input: z.infer<typeof inviteSchema>,
  actor: { id: string | null; role: string },
  options: { acceptExisting: boolean },
): Promise<Invitation> {
  const now = new Date();
  const existing = await getStaffUserByEmail(tx, input.email);
  const here = existing ? await getMembership(tx, practice.id, existing.id) : null;
  if (existing && here?.accepted) return { kind: "already-works-here", email: existing.email };

  const user = existing ?? (await insertStaffUser(tx, input));
  const typed = { invitedName: input.name.trim(), invitedEmail: input.email.trim() };
  if (here) {
    // Invited again before accepting: the role, name and address chosen now, and a fresh link.
    await updateInvitation(tx, practice.id, user.id, { role: input.role, ...typed });
  } else {
    await insertMembership(tx, { staffUserId: user.id, practiceId: practice.id, role: input.role, ...typed });
  }
  const audit = {
    practiceId: practice.id,
    actorId: actor.id,
    actorRole: actor.role,
    subjectType: "staff",
    subjectId: user.id,
    summary: { email: typed.invitedEmail, role: input.role },
  };
  if (options.acceptExisting && user.passwordHash) {
    await acceptMembership(tx, practice.id, user.id, now);
    await appendAuditEvent(tx, { ...audit, action: "staff.added" });
    return { kind: "added", email: user.email };
  }
  const link = await createSetupLink(tx, user.id, practice.id, "invitation", now);
  await appendAuditEvent(tx, { ...audit, action: "staff.invited" });
  return { kind: "invited", email: user.email, role: input.role, practice, link };
}

function sendInvitation(invitation: Extract<Invitation, { kind: "invited" }>): Promise<boolean> {
  return sendStaffMail({
    kind: "invitation",
    to: invitation.email,
    practice: invitation.practice,
    roleName: roleLabel(invitation.role),
    link: invitation.link.url,
    expiresAt: invitation.link.expiresAt,
  });
}

/**
 * The team page's invitation. The answer is the same for a new address, one invited elsewhere
 * and one with an account elsewhere; only someone who already works here is told so.
 */
export async function inviteStaff(context: StaffContext, input: z.infer<typeof inviteSchema>): Promise<WebInviteResult> {
  const practice = { id: context.practice.id, name: context.practice.name };
  const invitation = await withoutPractice((tx) =>
    addToPractice(tx, practice, input, { id: context.user.id, role: context.role }, { acceptExisting: false }),
  );
  if (invitation.kind === "already-works-here") return { ok: false, error: `${invitation.email} already works for this practice.` };
  if (invitation.kind === "added") throw new Error("A web invitation never adds someone unasked");
  // Sent once the invitation is stored, so the link in it works when it arrives. The answer
  // names the address as typed: the account's own spelling of it would show there is one.
  return { ok: true, email: input.email, emailed: await sendInvitation(invitation) };
}

/** `cli staff add`: the first manager of a practice, or anyone else. */
export async function addStaffFromCli(input: { odsCode: string; email: string; name: string; role: string }): Promise<InviteResult> {
  const parsed = inviteSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: `${parsed.error.issues[0]!.message}.` };
  const invitation = await withoutPractice(async (tx) => {
    const practice = await getPracticeByOdsCode(tx, input.odsCode);
    if (!practice) return null;
    return addToPractice(tx, practice, parsed.data, { id: null, role: "cli" }, { acceptExisting: true });
  });
  if (!invitation) return { ok: false, error: `There is no practice with ODS code ${input.odsCode}.` };
  if (invitation.kind === "already-works-here") return { ok: false, error: `${invitation.email} already works for this practice.` };
  if (invitation.kind === "added") return { ok: true, kind: "added", email: invitation.email };
  return { ok: true, kind: "invited", setupLink: invitation.link.url, email: invitation.email, emailed: await sendInvitation(invitation) };
}

export function listStaff(context: StaffContext): Promise<PracticeStaffMember[]> {
  return withoutPractice((tx) => listPracticeStaff(tx, context.practice.id));
}

export type StaffChangeResult = { ok: true; message: string } | { ok: false; error: string };

/** Managers change roles in their own practice; nobody changes their own. */
export async function changeStaffRole(context: StaffContext, staffUserId: string, role: StaffRole): Promise<StaffChangeResult> {
  if (staffUserId === context.user.id) return { ok: false, error: "You cannot change your own role. Ask another manager." };
  return withoutPractice(async (tx) => {
    const member = await getPracticeStaffMember(tx, context.practice.id, staffUserId);
    if (!member) return { ok: false, error: "That person does not work for this practice." };
    if (member.role === role) return { ok: true, message: `${member.name} is already ${roleLabel(role)}.` };
    await updateMembershipRole(tx, context.practice.id, staffUserId, role);
    // A role change takes effect now, not at their next sign-in. An invitation not yet accepted
    // gives no session here to end, and their sessions elsewhere are not this practice's.
    if (member.accepted) await deleteSessionsOfUser(tx, staffUserId);
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "staff.role-changed",
      subjectType: "staff",
      subjectId: staffUserId,
      summary: { before: member.role, after: role },
    });
    return { ok: true, message: `${member.name} is now ${roleLabel(role)}.` };
  });
}

/** Disabling ends every session the person has, at once. */
export async function setStaffDisabled(context: StaffContext, staffUserId: string, disabled: boolean): Promise<StaffChangeResult> {
  if (staffUserId === context.user.id) return { ok: false, error: "You cannot disable your own account." };
  return withoutPractice(async (tx) => {
    const member = await getPracticeStaffMember(tx, context.practice.id, staffUserId);
    if (!member) return { ok: false, error: "That person does not work for this practice." };
    await setMembershipDisabled(tx, context.practice.id, staffUserId, disabled ? new Date() : null);
    if (disabled && member.accepted) await deleteSessionsOfUser(tx, staffUserId);
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: disabled ? "staff.disabled" : "staff.enabled",
      subjectType: "staff",
      subjectId: staffUserId,
      summary: { email: member.email },
    });
    return { ok: true, message: disabled ? `${member.name} can no longer sign in to this practice.` : `${member.name} can sign in again.` };
  });
}

/** Takes back an invitation the person has not accepted yet: its link stops working. */
export async function withdrawInvitation(context: StaffContext, staffUserId: string): Promise<StaffChangeResult> {
  return withoutPractice(async (tx) => {
    const member = await getPracticeStaffMember(tx, context.practice.id, staffUserId);
    if (!member) return { ok: false, error: "That person does not work for this practice." };
    if (member.accepted) return { ok: false, error: `${member.name} has already accepted their invitation.` };
    await deletePendingMembership(tx, context.practice.id, staffUserId);
    await retireSetupTokens(tx, staffUserId, { purpose: "invitation", practiceId: context.practice.id }, new Date());
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "staff.invitation-withdrawn",
      subjectType: "staff",
      subjectId: staffUserId,
      summary: { email: member.email },
    });
    return { ok: true, message: `The invitation to ${member.email} has been withdrawn.` };
  });
}

/**
 * A manager resets a colleague's sign-in: their password, authenticator app and recovery codes
 * stop working at once, every session they have ends, and a link to set up again is emailed to
 * them (never shown to the manager). Their memberships, here and elsewhere, stay as they were.
 * Only for someone who has accepted this practice's invitation and is not disabled here: a
 * practice cannot reach the account of someone who has not joined it.
 */
export async function resetSignIn(context: StaffContext, staffUserId: string): Promise<StaffChangeResult> {
  if (staffUserId === context.user.id) {
    return { ok: false, error: "You cannot reset your own sign-in. Change your password on your account page, or ask another manager." };
  }
  const practice = { id: context.practice.id, name: context.practice.name };
  const now = new Date();
  const reset = await withoutPractice(async (tx) => {
    const member = await getPracticeStaffMember(tx, practice.id, staffUserId);
    if (!member) return { ok: false as const, error: "That person does not work for this practice." };
    if (!member.accepted) {
      return { ok: false as const, error: `${member.name} has not accepted their invitation yet. Invite them again to send a new link.` };
    }
    if (member.disabledHere) {
      return { ok: false as const, error: `${member.name} is disabled at this practice. Enable them first if they are to work here again.` };
    }
    await updateStaffUser(tx, staffUserId, {
      passwordHash: null,
      totpSecret: null,
      totpPendingSecret: null,
      totpEnrolledAt: null,
      totpLastStep: null,
      status: "invited",
    });
    await deleteRecoveryCodes(tx, staffUserId);
    await deleteSessionsOfUser(tx, staffUserId);
    const link = await createSetupLink(tx, staffUserId, practice.id, "reset", now);
    const worksElsewhere = (await listMembershipsOfUser(tx, staffUserId)).some((m) => m.practiceId !== practice.id);
    await appendAuditEvent(tx, {
      practiceId: practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "staff.sign-in-reset",
      subjectType: "staff",
      subjectId: staffUserId,
      summary: { email: member.email },
    });
    return { ok: true as const, member, link, worksElsewhere };
  });
  if (!reset.ok) return reset;
  const emailed = await sendStaffMail({
    kind: "reset",
    to: reset.member.email,
    practice,
    link: reset.link.url,
    expiresAt: reset.link.expiresAt,
    showInDevelopmentMail: !reset.worksElsewhere,
  });
  const name = reset.member.name;
  return {
    ok: true,
    message: emailed
      ? `We have reset ${name}'s sign-in and emailed them a link to set it up again. It is valid for ${SETUP_LINK_DAYS} days.`
      : `We have reset ${name}'s sign-in, but could not email them the link. Reset their sign-in again to send a new one.`,
  };
}

export function roleLabel(role: StaffRole): string {
  return roleInSentence[role];
}
