import { eq, sql } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { authThrottle } from "../../db/schema";
import type { ThrottleState } from "../domain/sign-in-throttle";

export async function getThrottle(db: Executor, key: string): Promise<ThrottleState | null> {
  const [row] = await db.select().from(authThrottle).where(eq(authThrottle.key, key));
  return row ? { failures: row.failures, windowStartedAt: row.windowStartedAt, lockedUntil: row.lockedUntil } : null;
}

/** Reads a key's state and locks its row until the transaction ends. */
export async function getThrottleForUpdate(db: Executor, key: string): Promise<ThrottleState | null> {
  await db.insert(authThrottle).values({ key }).onConflictDoNothing();
  const [row] = await db.select().from(authThrottle).where(eq(authThrottle.key, key)).for("update");
  if (!row || (row.failures === 0 && row.lockedUntil === null)) return null;
  return { failures: row.failures, windowStartedAt: row.windowStartedAt, lockedUntil: row.lockedUntil };
}

export async function saveThrottle(db: Executor, key: string, state: ThrottleState): Promise<void> {
  await db
    .insert(authThrottle)
    .values({ key, ...state })
    .onConflictDoUpdate({
      target: authThrottle.key,
      set: {
        failures: sql`excluded.failures`,
        windowStartedAt: sql`excluded.window_started_at`,
        lockedUntil: sql`excluded.locked_until`,
      },
    });
}

export async function clearThrottle(db: Executor, key: string): Promise<void> {
  await db.delete(authThrottle).where(eq(authThrottle.key, key));
}

/**
 * A typed email address as the staff lookup compares it. PostgreSQL's lower()
 * and JavaScript's toLowerCase() differ for a few letters (İ), so a count keyed
 * on JavaScript's could be dodged by respelling an address the lookup still finds.
 */
export async function emailAsLookedUp(db: Executor, email: string): Promise<string> {
  const [row] = await db.execute<{ email: string }>(sql`select lower(${email.trim()}) as email`);
  return row!.email;
}
