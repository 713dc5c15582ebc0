import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { practices, staffMemberships, staffRecoveryCodes, staffSetupTokens, staffUsers } from "../../db/schema";
import type { StaffRole } from "../domain/roles";

export type StaffUser = typeof staffUsers.$inferSelect;
export type StaffUserChanges = Partial<Omit<StaffUser, "id" | "email" | "createdAt">>;

export async function getStaffUserById(db: Executor, id: string): Promise<StaffUser | null> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id));
  return row ?? null;
}

export async function getStaffUserByEmail(db: Executor, email: string): Promise<StaffUser | null> {
  const [row] = await db
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = lower(${email.trim()})`);
  return row ?? null;
}

export async function insertStaffUser(db: Executor, user: { email: string; name: string }): Promise<StaffUser> {
  const [row] = await db.insert(staffUsers).values({ email: user.email.trim(), name: user.name.trim() }).returning();
  return row!;
}

export async function updateStaffUser(db: Executor, id: string, changes: StaffUserChanges): Promise<void> {
  await db.update(staffUsers).set(changes).where(eq(staffUsers.id, id));
}

/** Records a TOTP step as used, only if it is later than the last one used. */
export async function claimTotpStep(db: Executor, id: string, step: number): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set({ totpLastStep: step })
    .where(and(eq(staffUsers.id, id), sql`coalesce(${staffUsers.totpLastStep}, -1) < ${step}`))
    .returning({ id: staffUsers.id });
  return rows.length === 1;
}

export interface Membership {
  practiceId: string;
  odsCode: string;
  practiceName: string;
  role: StaffRole;
  disabled: boolean;
}

/** A membership a manager has disabled: kept, but no longer usable to act for the practice. */
export const membershipDisabled = sql<boolean>`${staffMemberships.disabledAt} is not null`;

/**
 * A membership its person has accepted. Until then it is an invitation: it gives no access,
 * so no practice can add someone to itself unasked. Every read that gives access (sign-in, the
 * session, switching practice) goes through this one expression.
 */
export const membershipAccepted = sql<boolean>`${staffMemberships.acceptedAt} is not null`;

/** The practices a person has accepted, with whether each has disabled them. */
export async function listMembershipsOfUser(db: Executor, staffUserId: string): Promise<Membership[]> {
  return db
    .select({
      practiceId: practices.id,
      odsCode: practices.odsCode,
      practiceName: practices.name,
      role: staffMemberships.role,
      disabled: membershipDisabled,
    })
    .from(staffMemberships)
    .innerJoin(practices, eq(practices.id, staffMemberships.practiceId))
    .where(and(eq(staffMemberships.staffUserId, staffUserId), membershipAccepted))
    .orderBy(asc(practices.name));
}

/** A membership is an invitation until `acceptedAt` is set. */
export async function insertMembership(
  db: Executor,
  membership: { staffUserId: string; practiceId: string; role: StaffRole; acceptedAt?: Date | null; invitedName?: string; invitedEmail?: string },
): Promise<void> {
  await db.insert(staffMemberships).values(membership);
}

/** Invited again before accepting: the role, name and address as typed this time. */
export async function updateInvitation(
  db: Executor,
  practiceId: string,
  staffUserId: string,
  invitation: { role: StaffRole; invitedName: string; invitedEmail: string },
): Promise<void> {
  await db
    .update(staffMemberships)
    .set(invitation)
    .where(and(eq(staffMemberships.practiceId, practiceId), eq(staffMemberships.staffUserId, staffUserId), isNull(staffMemberships.acceptedAt)));
}

export interface MembershipHere {
  role: StaffRole;
  accepted: boolean;
  disabled: boolean;
}

/** One person's membership of one practice, accepted or not. */
export async function getMembership(db: Executor, practiceId: string, staffUserId: string): Promise<MembershipHere | null> {
  const [row] = await db
    .select({ role: staffMemberships.role, accepted: membershipAccepted, disabled: membershipDisabled })
    .from(staffMemberships)
    .where(and(eq(staffMemberships.practiceId, practiceId), eq(staffMemberships.staffUserId, staffUserId)));
  return row ?? null;
}

/** Accepts a pending invitation; false if there is none (never one that was declined or withdrawn). */
export async function acceptMembership(db: Executor, practiceId: string, staffUserId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(staffMemberships)
    .set({ acceptedAt: now })
    .where(
      and(eq(staffMemberships.practiceId, practiceId), eq(staffMemberships.staffUserId, staffUserId), isNull(staffMemberships.acceptedAt)),
    )
    .returning({ id: staffMemberships.id });
  return rows.length === 1;
}

/** Removes an invitation not yet accepted (declined by its person, or withdrawn by the practice). */
export async function deletePendingMembership(db: Executor, practiceId: string, staffUserId: string): Promise<boolean> {
  const rows = await db
    .delete(staffMemberships)
    .where(
      and(eq(staffMemberships.practiceId, practiceId), eq(staffMemberships.staffUserId, staffUserId), isNull(staffMemberships.acceptedAt)),
    )
    .returning({ id: staffMemberships.id });
  return rows.length === 1;
}

export async function setMembershipDisabled(
  db: Executor,
  practiceId: string,
  staffUserId: string,
  disabledAt: Date | null,
): Promise<boolean> {
  const rows = await db
    .update(staffMemberships)
    .set({ disabledAt })
    .where(and(eq(staffMemberships.practiceId, practiceId), eq(staffMemberships.staffUserId, staffUserId)))
    .returning({ id: staffMemberships.id });
  return rows.length === 1;
}

export async function updateMembershipRole(
  db: Executor,
  practiceId: string,
  staffUserId: string,
  role: StaffRole,
): Promise<boolean> {
  const rows = await db
    .update(staffMemberships)
    .set({ role })
    .where(and(eq(staffMemberships.practiceId, practiceId), eq(staffMemberships.staffUserId, staffUserId)))
    .returning({ id: staffMemberships.id });
  return rows.length === 1;
}

export interface PracticeStaffMember {
  id: string;
  email: string;
  name: string;
  status: StaffUser["status"];
  role: StaffRole;
  disabledHere: boolean;
  /** False while this practice's invitation waits for the person: then nothing else about their account is this practice's to see. */
  accepted: boolean;
  totpEnrolled: boolean;
}

// Until the person accepts, a practice sees them as its manager typed them, not as their account
// says: that would tell it the address is in use elsewhere, and by whom.
const shownName = sql<string>`case when ${staffMemberships.acceptedAt} is null then coalesce(${staffMemberships.invitedName}, ${staffUsers.name}) else ${staffUsers.name} end`;
const shownEmail = sql<string>`case when ${staffMemberships.acceptedAt} is null then coalesce(${staffMemberships.invitedEmail}, ${staffUsers.email}) else ${staffUsers.email} end`;

export async function listPracticeStaff(db: Executor, practiceId: string): Promise<PracticeStaffMember[]> {
  return db
    .select({
      id: staffUsers.id,
      email: shownEmail,
      name: shownName,
      status: staffUsers.status,
      role: staffMemberships.role,
      disabledHere: membershipDisabled,
      accepted: membershipAccepted,
      totpEnrolled: sql<boolean>`${staffUsers.totpEnrolledAt} is not null`,
    })
    .from(staffMemberships)
    .innerJoin(staffUsers, eq(staffUsers.id, staffMemberships.staffUserId))
    .where(eq(staffMemberships.practiceId, practiceId))
    .orderBy(asc(shownName));
}

export async function getPracticeStaffMember(
  db: Executor,
  practiceId: string,
  staffUserId: string,
): Promise<PracticeStaffMember | null> {
  const members = await listPracticeStaff(db, practiceId);
  return members.find((m) => m.id === staffUserId) ?? null;
}

export type SetupLinkPurpose = (typeof staffSetupTokens.$inferSelect)["purpose"];

export interface SetupLinkRow {
  staffUserId: string;
  /** The practice that made the link: it can accept only that practice's invitation. */
  practiceId: string | null;
  purpose: SetupLinkPurpose;
}

export async function insertSetupToken(
  db: Executor,
  token: { tokenHash: string; staffUserId: string; practiceId: string; purpose: SetupLinkPurpose; expiresAt: Date },
): Promise<void> {
  await db.insert(staffSetupTokens).values(token);
}

const setupLinkColumns = {
  staffUserId: staffSetupTokens.staffUserId,
  practiceId: staffSetupTokens.practiceId,
  purpose: staffSetupTokens.purpose,
};

/** Marks a set-up token used; null if it is unknown, used or expired. */
export async function consumeSetupToken(db: Executor, tokenHash: string, now: Date): Promise<SetupLinkRow | null> {
  const [row] = await db
    .update(staffSetupTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(staffSetupTokens.tokenHash, tokenHash),
        isNull(staffSetupTokens.usedAt),
        gt(staffSetupTokens.expiresAt, now),
      ),
    )
    .returning(setupLinkColumns);
  return row ?? null;
}

export async function getValidSetupToken(db: Executor, tokenHash: string, now: Date): Promise<SetupLinkRow | null> {
  const [row] = await db
    .select(setupLinkColumns)
    .from(staffSetupTokens)
    .where(
      and(
        eq(staffSetupTokens.tokenHash, tokenHash),
        isNull(staffSetupTokens.usedAt),
        gt(staffSetupTokens.expiresAt, now),
      ),
    );
  return row ?? null;
}

/**
 * Spends a person's unused links of one purpose (from one practice, or from any), so that only
 * the newest works: a fresh invitation replaces the last one, a reset replaces earlier resets.
 */
export async function retireSetupTokens(
  db: Executor,
  staffUserId: string,
  which: { purpose: SetupLinkPurpose; practiceId?: string },
  now: Date,
): Promise<void> {
  await db
    .update(staffSetupTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(staffSetupTokens.staffUserId, staffUserId),
        eq(staffSetupTokens.purpose, which.purpose),
        which.practiceId ? eq(staffSetupTokens.practiceId, which.practiceId) : undefined,
        isNull(staffSetupTokens.usedAt),
      ),
    );
}

export async function deleteRecoveryCodes(db: Executor, staffUserId: string): Promise<void> {
  await db.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffUserId, staffUserId));
}

export async function replaceRecoveryCodes(db: Executor, staffUserId: string, codeHashes: string[]): Promise<void> {
  await db.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffUserId, staffUserId));
  await db.insert(staffRecoveryCodes).values(codeHashes.map((codeHash) => ({ staffUserId, codeHash })));
}

/** Uses up one recovery code; false if it is not one of the user's unused codes. */
export async function consumeRecoveryCode(db: Executor, staffUserId: string, codeHash: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(staffRecoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(staffRecoveryCodes.staffUserId, staffUserId),
        eq(staffRecoveryCodes.codeHash, codeHash),
        isNull(staffRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: staffRecoveryCodes.id });
  return rows.length === 1;
}

/** Makes a proven secret the person's authenticator, only if they have none yet: of two racing enrolments, one wins. */
export async function enrolAuthenticator(db: Executor, id: string, secret: string, step: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set({ totpSecret: secret, totpEnrolledAt: now, totpLastStep: step, totpPendingSecret: null })
    .where(and(eq(staffUsers.id, id), isNull(staffUsers.totpEnrolledAt)))
    .returning({ id: staffUsers.id });
  return rows.length === 1;
}
