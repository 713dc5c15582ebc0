import { asc, count, eq } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { practices } from "../../db/schema";

export type Practice = typeof practices.$inferSelect;
export type NewPractice = typeof practices.$inferInsert;

export async function getPracticeByOdsCode(db: Executor, odsCode: string): Promise<Practice | null> {
  const [row] = await db.select().from(practices).where(eq(practices.odsCode, odsCode));
  return row ?? null;
}

export async function listPractices(db: Executor): Promise<Practice[]> {
  return db.select().from(practices).orderBy(asc(practices.name));
}

export async function countPractices(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(practices);
  return row?.n ?? 0;
}

export async function insertPractice(db: Executor, practice: NewPractice): Promise<Practice> {
  const [row] = await db.insert(practices).values(practice).returning();
  return row!;
}

export async function getPracticeById(db: Executor, practiceId: string): Promise<Practice | null> {
  const [row] = await db.select().from(practices).where(eq(practices.id, practiceId));
  return row ?? null;
}
