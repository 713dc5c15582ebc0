import { sql } from "drizzle-orm";
import { getDb } from "../../db/client.server";

export async function checkDatabaseHealth(): Promise<boolean> {
  try {
    await getDb().execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
