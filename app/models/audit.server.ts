import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import type { Executor } from "../../db/executor.server";
import { auditEvents, staffUsers } from "../../db/schema";

export interface NewAuditEvent {
  practiceId: string | null;
  actorId: string | null;
  /** A staff role, "system" or "cli". */
  actorRole: string;
  action: string;
  subjectType?: string;
  subjectId?: string;
  summary?: Record<string, unknown>;
  requestId?: string;
}

/**
 * Appends to the practice's hash chain through the database function that
 * is the only way in (migration 0001). Call it inside the transaction that
 * makes the change, so that if either fails neither happens.
 */
export async function appendAuditEvent(db: Executor, event: NewAuditEvent): Promise<void> {
  await db.execute(sql`select append_audit_event(
    ${event.practiceId}::uuid, ${event.actorId}::uuid, ${event.actorRole}, ${event.action},
    ${event.subjectType ?? null}, ${event.subjectId ?? null}, ${JSON.stringify(event.summary ?? {})}::jsonb,
    ${event.requestId ?? null})`);
}

/** The same, for work done on the plain postgres.js client (bulk import). */
export async function appendAuditEventSql(tx: postgres.TransactionSql, event: NewAuditEvent): Promise<void> {
  await tx`select append_audit_event(
    ${event.practiceId}::uuid, ${event.actorId}::uuid, ${event.actorRole}, ${event.action},
    ${event.subjectType ?? null}, ${event.subjectId ?? null}, ${JSON.stringify(event.summary ?? {})}::jsonb,
    ${event.requestId ?? null})`;
}

export interface AuditFilters {
  actorId?: string;
  action?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
}

export async function listAuditEvents(db: Executor, practiceId: string, filters: AuditFilters, limit: number) {
  const conditions: SQL[] = [eq(auditEvents.practiceId, practiceId)];
  if (filters.actorId) conditions.push(eq(auditEvents.actorId, filters.actorId));
  if (filters.action) conditions.push(eq(auditEvents.action, filters.action));
  if (filters.subjectId) conditions.push(eq(auditEvents.subjectId, filters.subjectId));
  if (filters.from) conditions.push(gte(auditEvents.occurredAt, filters.from));
  if (filters.to) conditions.push(lt(auditEvents.occurredAt, filters.to));
  return db
    .select({
      id: auditEvents.id,
      occurredAt: auditEvents.occurredAt,
      actorName: staffUsers.name,
      actorEmail: staffUsers.email,
      actorRole: auditEvents.actorRole,
      action: auditEvents.action,
      subjectType: auditEvents.subjectType,
      subjectId: auditEvents.subjectId,
      summary: auditEvents.summary,
    })
    .from(auditEvents)
    .leftJoin(staffUsers, eq(staffUsers.id, auditEvents.actorId))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

export async function listAuditActions(db: Executor, practiceId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .where(eq(auditEvents.practiceId, practiceId))
    .orderBy(auditEvents.action);
  return rows.map((r) => r.action);
}

export interface ChainCheck {
  rows: number;
  /** The first row whose hash or link does not hold, or null if all do. */
  firstBroken: { id: number; reason: "hash" | "link" } | null;
}

/** Recomputes every row's hash with the same database function that wrote it. */
export async function checkAuditChain(db: Executor, practiceId: string | null): Promise<ChainCheck> {
  const rows = await db.execute<{ id: string; hash_ok: boolean; link_ok: boolean }>(sql`
    select id,
           hash = audit_event_hash(previous_hash, practice_id, actor_id, actor_role, action,
                                   subject_type, subject_id, summary, request_id, occurred_at) as hash_ok,
           previous_hash is not distinct from lag(hash) over (order by id) as link_ok
    from audit_events
    where ${practiceId === null ? sql`practice_id is null` : sql`practice_id = ${practiceId}::uuid`}
    order by id`);
  const broken = rows.find((r) => !r.hash_ok || !r.link_ok);
  return {
    rows: rows.length,
    firstBroken: broken ? { id: Number(broken.id), reason: broken.hash_ok ? "link" : "hash" } : null,
  };
}
