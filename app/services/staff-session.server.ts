import { getDb } from "../../db/client.server";
import { withoutPractice } from "../../db/tenancy.server";
import { hashToken } from "../auth/tokens.server";
import { getEnv } from "../env.server";
import type { StaffRole } from "../domain/roles";
import { appendAuditEvent } from "../models/audit.server";
import { deleteSession, deleteSessionsOfUser, getSession, getSessionWithPerson, updateSession } from "../models/sessions.server";
import { listMembershipsOfUser, type Membership } from "../models/staff.server";
import { ABSOLUTE_TIMEOUT_HOURS, IDLE_TIMEOUT_MINUTES } from "./staff-auth.server";

export interface StaffContext {
  sessionTokenHash: string;
  user: { id: string; name: string; email: string };
  practice: { id: string; odsCode: string; name: string; clinicalSystem: "emis" | "tpp"; goLiveDate: string | null };
  role: StaffRole;
  /** Every practice this person may act for, to switch between. */
  memberships: Membership[];
  /** Mail goes to the development mail catcher (no SMTP_URL), so its page is there to see. */
  developmentMail: boolean;
}

export type SessionLookup =
  | { kind: "signed-in"; context: StaffContext }
  | { kind: "choose-practice"; memberships: Membership[] }
  | { kind: "signed-out" };

// lastSeenAt is written at most once a minute, not on every request.
const TOUCH_AFTER_MS = 60_000;

/**
 * Who a session token belongs to, enforcing the idle (30 minutes) and
 * absolute (12 hours) timeouts and ending sessions of disabled people.
 */
export async function lookUpSession(token: string | null, now = new Date()): Promise<SessionLookup> {
  if (!token) return { kind: "signed-out" };
  const tokenHash = hashToken(token);
  // Not a transaction: one statement reads a consistent whole, and the writes below stand alone.
  const db = getDb();
  const found = await liveSession(db, tokenHash, now);
  if (!found) return { kind: "signed-out" };
  const { session, user } = found;
  // Accepted memberships only (getSessionWithPerson): an invitation gives no access until then.
  const usable = found.memberships.filter((m) => !m.disabled);
  const memberships: Membership[] = usable.map((m) => ({
    practiceId: m.practice.id,
    odsCode: m.practice.odsCode,
    practiceName: m.practice.name,
    role: m.role,
    disabled: m.disabled,
  }));
  const current = usable.find((m) => m.practice.id === session.practiceId);
  if (!current) {
    if (memberships.length === 0) {
      await deleteSession(db, tokenHash);
      return { kind: "signed-out" };
    }
    return { kind: "choose-practice", memberships };
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_AFTER_MS) await updateSession(db, tokenHash, { lastSeenAt: now });
  return {
    kind: "signed-in",
    context: {
      sessionTokenHash: tokenHash,
      user: { id: user.id, name: user.name, email: user.email },
      practice: current.practice,
      role: current.role,
      memberships,
      developmentMail: getEnv().mail.smtpUrl === undefined,
    },
  };
}

/**
 * A fully signed-in session within its timeouts, of an active person; a session past them is
 * ended. Says nothing of practices.
 */
async function liveSession(db: ReturnType<typeof getDb>, tokenHash: string, now: Date) {
  const found = await getSessionWithPerson(db, tokenHash);
  if (!found || found.session.stage !== "signed-in") return null;
  const { session, user } = found;
  const idle = now.getTime() - session.lastSeenAt.getTime() > IDLE_TIMEOUT_MINUTES * 60_000;
  const tooOld = session.expiresAt <= now || now.getTime() - session.createdAt.getTime() > ABSOLUTE_TIMEOUT_HOURS * 3_600_000;
  if (idle || tooOld || user.status !== "active") {
    await deleteSession(db, tokenHash);
    return null;
  }
  return found;
}

/**
 * Who is signed in, whatever practices they may act for (perhaps none yet): the one question
 * an invitation link asks before its person accepts or declines it.
 */
export async function lookUpSignedInPerson(token: string | null, now = new Date()): Promise<{ id: string; name: string; email: string } | null> {
  if (!token) return null;
  const found = await liveSession(getDb(), hashToken(token), now);
  return found ? { id: found.user.id, name: found.user.name, email: found.user.email } : null;
}

/** The practices a signed-in person may choose from (with or without one chosen). */
export async function practicesToChoose(token: string | null): Promise<Membership[] | null> {
  const lookup = await lookUpSession(token);
  if (lookup.kind === "signed-out") return null;
  return lookup.kind === "choose-practice" ? lookup.memberships : lookup.context.memberships;
}

/** Switches a session to another of the person's practices, explicitly. */
export async function switchPractice(token: string | null, odsCode: string): Promise<boolean> {
  if (!token) return false;
  const tokenHash = hashToken(token);
  return withoutPractice(async (tx) => {
    const session = await getSession(tx, tokenHash);
    if (!session || session.stage !== "signed-in") return false;
    const membership = (await listMembershipsOfUser(tx, session.staffUserId)).find(
      (m) => m.odsCode === odsCode && !m.disabled,
    );
    if (!membership) return false;
    await updateSession(tx, tokenHash, { practiceId: membership.practiceId });
    await appendAuditEvent(tx, {
      practiceId: membership.practiceId,
      actorId: session.staffUserId,
      actorRole: membership.role,
      action: "staff.practice-switched",
    });
    return true;
  });
}

export async function signOut(token: string | null): Promise<void> {
  if (!token) return;
  const tokenHash = hashToken(token);
  await withoutPractice(async (tx) => {
    const session = await getSession(tx, tokenHash);
    if (!session) return;
    await deleteSession(tx, tokenHash);
    await appendAuditEvent(tx, { practiceId: session.practiceId, actorId: session.staffUserId, actorRole: "staff", action: "staff.signed-out" });
  });
}

export async function signOutEverywhere(context: StaffContext): Promise<void> {
  await withoutPractice(async (tx) => {
    await deleteSessionsOfUser(tx, context.user.id);
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "staff.signed-out-everywhere",
    });
  });
}

/** Records a refused attempt to do what the person's role does not allow. */
export async function recordAccessDenied(context: StaffContext, permission: string, path: string): Promise<void> {
  await withoutPractice((tx) =>
    appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "access.denied",
      summary: { permission, path },
    }),
  );
}
