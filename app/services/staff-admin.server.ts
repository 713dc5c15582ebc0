import { z } from "zod";
import { withoutPractice } from "../../db/tenancy.server";
import type { Executor } from "../../db/executor.server";
import { hashToken, randomToken } from "../auth/tokens.server";
import { getEnv } from "../env.server";
import { STAFF_ROLES, type StaffRole } from "../domain/roles";
import { appendAuditEvent } from "../models/audit.server";
import { getPracticeByOdsCode } from "../models/practices.server";
import { deleteSessionsOfUser } from "../models/sessions.server";
import {
  getPracticeStaffMember,
  getStaffUserByEmail,
  insertMembership,
  insertSetupToken,
  insertStaffUser,
  listMembershipsOfUser,
  listPracticeStaff,
  setMembershipDisabled,
  updateMembershipRole,
  type PracticeStaffMember,
} from "../models/staff.server";
import type { StaffContext } from "./staff-session.server";

const SETUP_LINK_DAYS = 7;

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

export type InviteResult =
  | { ok: true; kind: "invited"; setupLink: string; email: string }
  | { ok: true; kind: "added"; email: string }
  | { ok: false; error: string };

async function createSetupLink(tx: Executor, staffUserId: string): Promise<string> {
  const token = randomToken();
  await insertSetupToken(tx, {
    tokenHash: hashToken(token),
    staffUserId,
    expiresAt: new Date(Date.now() + SETUP_LINK_DAYS * 86_400_000),
  });
  return `${getEnv().publicUrl}/staff/set-up/${token}`;
}

/**
 * Adds a person to a practice with a role. Someone new gets a one-time
 * set-up link (valid 7 days); someone who already works for another
 * practice simply gains this one.
 */
async function addToPractice(
  tx: Executor,
  practiceId: string,
  input: z.infer<typeof inviteSchema>,
  actor: { id: string | null; role: string },
): Promise<InviteResult> {
  const existing = await getStaffUserByEmail(tx, input.email);
  if (existing) {
    const memberships = await listMembershipsOfUser(tx, existing.id);
    if (memberships.some((m) => m.practiceId === practiceId)) {
      return { ok: false, error: `${existing.email} already works for this practice.` };
    }
  }
  const user = existing ?? (await insertStaffUser(tx, input));
  await insertMembership(tx, { staffUserId: user.id, practiceId, role: input.role });
  const needsSetup = !user.passwordHash;
  const setupLink = needsSetup ? await createSetupLink(tx, user.id) : null;
  await appendAuditEvent(tx, {
    practiceId,
    actorId: actor.id,
    actorRole: actor.role,
    action: "staff.invited",
    subjectType: "staff",
    subjectId: user.id,
    summary: { email: user.email, role: input.role },
  });
  return setupLink
    ? { ok: true, kind: "invited", setupLink, email: user.email }
    : { ok: true, kind: "added", email: user.email };
}

export async function inviteStaff(context: StaffContext, input: z.infer<typeof inviteSchema>): Promise<InviteResult> {
  return withoutPractice((tx) => addToPractice(tx, context.practice.id, input, { id: context.user.id, role: context.role }));
}

/** `cli staff add`: the first manager of a practice, or anyone else. */
export async function addStaffFromCli(input: { odsCode: string; email: string; name: string; role: string }): Promise<InviteResult> {
  const parsed = inviteSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: `${parsed.error.issues[0]!.message}.` };
  return withoutPractice(async (tx) => {
    const practice = await getPracticeByOdsCode(tx, input.odsCode);
    if (!practice) return { ok: false, error: `There is no practice with ODS code ${input.odsCode}.` };
    return addToPractice(tx, practice.id, parsed.data, { id: null, role: "cli" });
  });
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
    // A role change takes effect now, not at their next sign-in.
    await deleteSessionsOfUser(tx, staffUserId);
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
    if (disabled) await deleteSessionsOfUser(tx, staffUserId);
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

export function roleLabel(role: StaffRole): string {
  return { reception: "reception staff", clinician: "a clinician", manager: "a practice manager" }[role];
}
