import { and, eq, ne } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { staffSessions } from "../../db/schema";

export type StaffSession = typeof staffSessions.$inferSelect;

export async function insertSession(db: Executor, session: typeof staffSessions.$inferInsert): Promise<void> {
  await db.insert(staffSessions).values(session);
}

export async function getSession(db: Executor, tokenHash: string): Promise<StaffSession | null> {
  const [row] = await db.select().from(staffSessions).where(eq(staffSessions.tokenHash, tokenHash));
  return row ?? null;
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
