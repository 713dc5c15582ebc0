import { and, asc, eq, gt, ne } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { practices, staffMemberships, staffSessions, staffUsers } from "../../db/schema";
import type { StaffRole } from "../domain/roles";
import { membershipAccepted, membershipDisabled } from "./staff.server";

export type StaffSession = typeof staffSessions.$inferSelect;

export async function insertSession(db: Executor, session: typeof staffSessions.$inferInsert): Promise<void> {
  await db.insert(staffSessions).values(session);
}

export async function getSession(db: Executor, tokenHash: string): Promise<StaffSession | null> {
  const [row] = await db.select().from(staffSessions).where(eq(staffSessions.tokenHash, tokenHash));
  return row ?? null;
}

/** A membership as the session sees it: the practice in full, since the one it acts for is among them. */
export interface SessionMembership {
  practice: { id: string; odsCode: string; name: string; clinicalSystem: "emis" | "tpp"; goLiveDate: string | null };
  role: StaffRole;
  disabled: boolean;
}

/**
 * A session with its person and every practice they belong to, in one statement: this is read
 * on every staff request, and each round trip to the database costs more than the rows.
 * Invitations not yet accepted are not memberships here: they give no access.
 */
export async function getSessionWithPerson(db: Executor, tokenHash: string) {
  const rows = await db
    .select({
      session: staffSessions,
      user: { id: staffUsers.id, name: staffUsers.name, email: staffUsers.email, status: staffUsers.status },
      practice: {
        id: practices.id,
        odsCode: practices.odsCode,
        name: practices.name,
        clinicalSystem: practices.clinicalSystem,
        goLiveDate: practices.goLiveDate,
      },
      role: staffMemberships.role,
      disabled: membershipDisabled,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
    .leftJoin(staffMemberships, and(eq(staffMemberships.staffUserId, staffUsers.id), membershipAccepted))
    .leftJoin(practices, eq(practices.id, staffMemberships.practiceId))
    .where(eq(staffSessions.tokenHash, tokenHash))
    .orderBy(asc(practices.name));
  const [first] = rows;
  if (!first) return null;
  const memberships: SessionMembership[] = rows.flatMap(({ practice, role, disabled }) => (practice && role ? [{ practice, role, disabled }] : []));
  return { session: first.session, user: first.user, memberships };
}

export async function updateSession(
  db: Executor,
  tokenHash: string,
  changes: Partial<Pick<StaffSession, "lastSeenAt" | "practiceId">>,
): Promise<void> {
  await db.update(staffSessions).set(changes).where(eq(staffSessions.tokenHash, tokenHash));
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.tokenHash, tokenHash));
}

/** Ends every session of a user, or every one but `keep`. */
export async function deleteSessionsOfUser(db: Executor, staffUserId: string, keep?: string): Promise<void> {
  await db
    .delete(staffSessions)
    .where(
      keep
        ? and(eq(staffSessions.staffUserId, staffUserId), ne(staffSessions.tokenHash, keep))
        : eq(staffSessions.staffUserId, staffUserId),
    );
}

type SessionStage = StaffSession["stage"];

/**
 * Ends a half-way session only if it is still at `stage` and unexpired, in one
 * statement: of two requests racing with one token, only one gets its person.
 */
export async function takeSessionAtStage(db: Executor, tokenHash: string, stage: SessionStage, now: Date): Promise<string | null> {
  const [row] = await db
    .delete(staffSessions)
    .where(and(eq(staffSessions.tokenHash, tokenHash), eq(staffSessions.stage, stage), gt(staffSessions.expiresAt, now)))
    .returning({ staffUserId: staffSessions.staffUserId });
  return row?.staffUserId ?? null;
}

/** Moves a half-way session from one stage to the next, only if it is still at the first. */
export async function advanceSessionStage(db: Executor, tokenHash: string, from: SessionStage, to: SessionStage, now: Date): Promise<boolean> {
  const rows = await db
    .update(staffSessions)
    .set({ stage: to })
    .where(and(eq(staffSessions.tokenHash, tokenHash), eq(staffSessions.stage, from), gt(staffSessions.expiresAt, now)))
    .returning({ tokenHash: staffSessions.tokenHash });
  return rows.length === 1;
}

/** The same as getSession, and the row stays locked until the transaction ends: one request at a time per half-way sign-in. */
export async function getSessionForUpdate(db: Executor, tokenHash: string): Promise<StaffSession | null> {
  const [row] = await db.select().from(staffSessions).where(eq(staffSessions.tokenHash, tokenHash)).for("update");
  return row ?? null;
}
