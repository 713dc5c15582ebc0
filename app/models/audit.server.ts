import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import type { Executor } from "../../db/executor.server";
import { auditEvents, patients, requests } from "../../db/schema";

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
  from?: Date;
  to?: Date;
  /**
   * Everything about one patient: the events of their requests (whatever each summary holds),
   * events about them or naming them, searches that found them, and what happened to every email
   * and letter to them (from the outbox, which the audit does not hold).
   */
  patient?: { id: string; nhsNumber: string };
}

/** A place in the trail, newest first: entries are ordered by time, then key. */
export interface AuditCursor {
  /** The entry's time, exactly as PostgreSQL holds it (microseconds, UTC): "2026-11-21T12:00:00.123456Z". */
  at: string;
  key: string;
}

/**
 * One entry of the trail: an audit event, or a step of a message to the patient taken from the
 * outbox ("message.queued", "message.sent", "message.failed", "message.unknown").
 */
export interface AuditTrailRow {
  /** Unique and ordered like the trail: "a" and the event's id, or "m", the message's id and its step. */
  key: string;
  /** The audit event's id; null for an outbox entry. */
  id: number | null;
  occurredAt: Date;
  /** occurredAt to the microsecond, for a cursor. */
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  summary: Record<string, unknown>;
}

/** The outbox's steps, as the trail names them. */
export const MESSAGE_TRAIL_ACTIONS = ["message.queued", "message.sent", "message.failed", "message.unknown"] as const;

const EXACT_UTC = sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`);

/**
 * The patient's requests, messages and letter batches (each by the patient's own id), then every
 * entry about them. Row-level security and the practice filters keep it to the one practice.
 */
function patientEntries(practiceId: string, patient: { id: string; nhsNumber: string }): SQL {
  return sql`
    patient_requests as (
      select id, reference from requests where practice_id = ${practiceId}::uuid and patient_id = ${patient.id}::uuid
    ),
    patient_messages as materialized (
      select m.id, m.created_at, m.sent_at, m.claimed_at, m.status, m.campaign_id,
             jsonb_build_object('channel', m.channel, 'templateKey', m.template_key, 'toAddress', m.to_address,
                                'status', m.status, 'failureReason', m.failure_reason, 'attempts', m.attempts,
                                'requestId', m.request_id, 'reference', r.reference, 'campaignId', m.campaign_id) as summary
      from messages m left join requests r on r.id = m.request_id
      where m.practice_id = ${practiceId}::uuid and m.patient_id = ${patient.id}::uuid
    ),
    patient_batches as (
      select distinct batch_id from letters
      where practice_id = ${practiceId}::uuid and patient_id = ${patient.id}::uuid and batch_id is not null
    ),
    entries as (
      select 'a' || lpad(e.id::text, 19, '0') as key, e.id, e.occurred_at as at, e.actor_id, e.actor_role, e.action,
             e.subject_type, e.subject_id, e.summary
      from audit_events e
      where e.practice_id = ${practiceId}::uuid
        and ((e.subject_type = 'patient' and e.subject_id = ${patient.id})
          or (e.subject_type = 'request' and e.subject_id in (select id::text from patient_requests))
          or (e.subject_type = 'message' and e.subject_id in (select id::text from patient_messages))
          or (e.subject_type = 'campaign' and e.subject_id in (select campaign_id::text from patient_messages where campaign_id is not null))
          or (e.subject_type = 'letter-batch' and e.subject_id in (select batch_id::text from patient_batches))
          or e.summary->>'patientId' = ${patient.id}
          or e.summary->>'nhsNumber' = ${patient.nhsNumber}
          or e.summary->>'requestId' in (select id::text from patient_requests)
          or e.summary->>'reference' in (select reference from patient_requests)
          or e.summary->'search'->>'digits' = ${patient.nhsNumber}
          or e.summary->'search'->>'reference' in (select reference from patient_requests)
          or (e.action = 'audit.viewed' and regexp_replace(e.summary->'filters'->>'patient', '[[:space:]-]', '', 'g') = ${patient.nhsNumber}))
      union all
      select 'm' || m.id || ':1', null, m.created_at, null, 'system', 'message.queued', 'message', m.id::text, m.summary
      from patient_messages m
      union all
      select 'm' || m.id || ':2', null, m.sent_at, null, 'system', 'message.sent', 'message', m.id::text, m.summary
      from patient_messages m where m.sent_at is not null
      union all
      -- The outbox keeps no time of a failure: its last attempt began when it was claimed.
      select 'm' || m.id || ':3', null, m.claimed_at, null, 'system',
             case when m.status = 'unknown' then 'message.unknown' else 'message.failed' end, 'message', m.id::text, m.summary
      from patient_messages m where m.status in ('technical-failure', 'permanent-failure', 'unknown') and m.claimed_at is not null
    )`;
}

function practiceEntries(practiceId: string): SQL {
  return sql`
    entries as (
      select 'a' || lpad(e.id::text, 19, '0') as key, e.id, e.occurred_at as at, e.actor_id, e.actor_role, e.action,
             e.subject_type, e.subject_id, e.summary
      from audit_events e
      where e.practice_id = ${practiceId}::uuid
    )`;
}

function entriesMatching(practiceId: string, filters: AuditFilters): { entries: SQL; where: SQL } {
  const conditions: SQL[] = [sql`true`];
  if (filters.actorId) conditions.push(sql`t.actor_id = ${filters.actorId}::uuid`);
  if (filters.action) conditions.push(sql`t.action = ${filters.action}`);
  if (filters.from) conditions.push(sql`t.at >= ${filters.from.toISOString()}::timestamptz`);
  if (filters.to) conditions.push(sql`t.at < ${filters.to.toISOString()}::timestamptz`);
  return {
    entries: filters.patient ? patientEntries(practiceId, filters.patient) : practiceEntries(practiceId),
    where: sql.join(conditions, sql` and `),
  };
}

/**
 * A page of the trail, newest first. `before` a cursor: the entries older than it; `after`: the
 * entries newer than it, nearest first (the caller turns them round).
 */
export async function listAuditTrail(
  db: Executor,
  practiceId: string,
  filters: AuditFilters,
  page: { before?: AuditCursor; after?: AuditCursor; limit: number },
): Promise<AuditTrailRow[]> {
  const { entries, where } = entriesMatching(practiceId, filters);
  const cursor = page.after ?? page.before;
  const keyset = !cursor
    ? sql`true`
    : page.after
      ? sql`t.at >= ${cursor.at}::timestamptz and (t.at > ${cursor.at}::timestamptz or t.key > ${cursor.key})`
      : sql`t.at <= ${cursor.at}::timestamptz and (t.at < ${cursor.at}::timestamptz or t.key < ${cursor.key})`;
  const order = page.after ? sql`t.at asc, t.key asc` : sql`t.at desc, t.key desc`;
  const rows = await db.execute<{
    key: string;
    id: string | null;
    at: string;
    actor_id: string | null;
    actor_name: string | null;
    actor_role: string;
    action: string;
    subject_type: string | null;
    subject_id: string | null;
    summary: Record<string, unknown>;
  }>(sql`
    with ${entries}
    select t.key, t.id, to_char(t.at at time zone 'UTC', ${EXACT_UTC}) as at, t.actor_id, u.name as actor_name, t.actor_role,
           t.action, t.subject_type, t.subject_id, t.summary
    from entries t left join staff_users u on u.id = t.actor_id
    where ${where} and ${keyset}
    order by ${order}
    limit ${page.limit}`);
  return rows.map((r) => ({
    key: r.key,
    id: r.id === null ? null : Number(r.id),
    occurredAt: new Date(r.at),
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: r.actor_role,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    summary: r.summary,
  }));
}

export async function countAuditTrail(db: Executor, practiceId: string, filters: AuditFilters): Promise<number> {
  const { entries, where } = entriesMatching(practiceId, filters);
  const [row] = await db.execute<{ n: number }>(sql`with ${entries} select count(*)::int as n from entries t where ${where}`);
  return row?.n ?? 0;
}

/** The newest `limit` events matching the filters. */
export async function listAuditEvents(db: Executor, practiceId: string, filters: AuditFilters, limit: number): Promise<AuditTrailRow[]> {
  return listAuditTrail(db, practiceId, filters, { limit });
}

/** NHS numbers of patients named by the trail, by id. */
export async function listNhsNumbersOfPatients(db: Executor, practiceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = ids.filter(isUuid);
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: patients.id, nhsNumber: patients.nhsNumber })
    .from(patients)
    .where(and(eq(patients.practiceId, practiceId), inArray(patients.id, wanted)));
  return new Map(rows.map((r) => [r.id, r.nhsNumber]));
}

/** References of requests named by the trail, by id. */
export async function listReferencesOfRequests(db: Executor, practiceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = ids.filter(isUuid);
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: requests.id, reference: requests.reference })
    .from(requests)
    .where(and(eq(requests.practiceId, practiceId), inArray(requests.id, wanted)));
  return new Map(rows.map((r) => [r.id, r.reference]));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuid(value: string): boolean {
  return UUID.test(value);
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
