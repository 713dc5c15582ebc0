import { sql } from "drizzle-orm";
import type postgres from "postgres";
import { getDb, getSql } from "./client.server";
import type { Executor } from "./executor.server";

/**
 * Runs `work` in a transaction that acts for one practice. PostgreSQL's
 * row-level security then hides every other practice's rows, even from a
 * query that forgets its own practice filter.
 */
export function withPractice<T>(practiceId: string, work: (tx: Executor) => Promise<T>): Promise<T> {
  return getDb().transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.practice_id', ${practiceId}, true)`);
    return work(tx);
  });
}

/** A transaction acting for no practice: staff identity, sign-in, practices. */
export function withoutPractice<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
  return getDb().transaction(work);
}

/**
 * The same, on the plain postgres.js client, for bulk work drizzle does not
 * do (COPY into a staging table).
 */
export async function withPracticeSql<T>(practiceId: string, work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return getSql().begin(async (tx) => {
    await tx`select set_config('app.practice_id', ${practiceId}, true)`;
    return work(tx);
  }) as Promise<T>;
}
