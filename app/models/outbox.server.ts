import type postgres from "postgres";
import { instant } from "../../db/timestamps.server";
import type { TemplateKey } from "../domain/message-templates";

// The outbox as the worker sees it. Cross-practice questions go through the
// SECURITY DEFINER functions of migration 0003; everything that reads or
// changes a message runs in a transaction acting for its practice.

type Sql = postgres.Sql | postgres.TransactionSql;
type Tx = postgres.TransactionSql;

export async function registerWorker(sql: Sql, workerId: string): Promise<void> {
  await sql`insert into outbox_workers (id) values (${workerId})
            on conflict (id) do update set heartbeat_at = now()`;
}

export async function unregisterWorker(sql: Sql, workerId: string): Promise<void> {
  await sql`delete from outbox_workers where id = ${workerId}`;
}

/** Gives up claims of workers silent for longer than `staleAfterMs`; starts and finishes campaigns. */
export async function outboxHousekeeping(sql: Sql, staleAfterMs: number): Promise<number> {
  const [row] = await sql<{ abandoned: number }[]>`
    select outbox_housekeeping(make_interval(secs => ${staleAfterMs / 1000})) as abandoned`;
  return row!.abandoned;
}

export async function listDuePractices(sql: Sql, withinSendingHours: boolean): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select outbox_due_practices(${withinSendingHours}) as id`;
  return rows.map((r) => r.id);
}

export interface ClaimedMessage {
  id: string;
  patientId: string;
  campaignId: string | null;
  templateKey: TemplateKey;
  toAddress: string;
  variables: Record<string, string>;
  attempts: number;
  givenName: string;
}

/**
 * Claims up to `limit` due email messages of the transaction's practice for
 * this worker. SKIP LOCKED lets any number of workers claim side by side
 * without ever claiming the same row.
 */
export async function claimMessages(
  tx: Tx,
  practiceId: string,
  workerId: string,
  withinSendingHours: boolean,
  limit: number,
): Promise<ClaimedMessage[]> {
  // The practice in the query as well as in row-level security: with it the
  // planner walks the queued index in order and stops at the batch, rather
  // than sorting the practice's whole queue for every claim.
  return tx<ClaimedMessage[]>`
    with batch as (
      select m.id from messages m
      where m.practice_id = ${practiceId} and m.channel = 'email' and m.status = 'queued' and m.next_attempt_at <= now()
        and (m.campaign_id is null or exists (
          select 1 from campaigns c
          where c.id = m.campaign_id and c.status = 'sending' and (${withinSendingHours} or c.ignore_sending_hours)))
      order by m.next_attempt_at
      limit ${limit}
      for update of m skip locked
    )
    update messages m set status = 'sending', claimed_at = now(), claimed_by = ${workerId}, attempts = m.attempts + 1
    from batch, patients p
    where m.id = batch.id and p.id = m.patient_id
    returning m.id, m.patient_id as "patientId", m.campaign_id as "campaignId", m.template_key as "templateKey",
              m.to_address as "toAddress", m.variables, m.attempts, p.given_name as "givenName"`;
}

/** Personal links for messages about to be sent: a resend replaces the hash, so only the newest link works. */
export async function upsertPersonalLinks(
  tx: Tx,
  practiceId: string,
  links: { messageId: string; patientId: string; tokenHash: string; expiresAt: Date }[],
): Promise<void> {
  if (links.length === 0) return;
  await tx`
    insert into personal_links (practice_id, message_id, patient_id, token_hash, expires_at)
    select ${practiceId}, l.message_id, l.patient_id, l.token_hash, l.expires_at
    from unnest(${tx.array(links.map((l) => l.messageId))}::uuid[], ${tx.array(links.map((l) => l.patientId))}::uuid[],
                ${tx.array(links.map((l) => l.tokenHash))}::text[], ${tx.array(links.map((l) => l.expiresAt.toISOString()))}::timestamptz[])
      as l(message_id, patient_id, token_hash, expires_at)
    on conflict (message_id) do update set token_hash = excluded.token_hash, expires_at = excluded.expires_at, created_at = now()`;
}

export type MessageOutcome =
  | { id: string; status: "sent"; smtpMessageId: string; templateVersion: string }
  | { id: string; status: "queued"; retryAt: Date; reason: string; templateVersion: string | null }
  | { id: string; status: "technical-failure" | "permanent-failure"; reason: string; templateVersion: string | null };

/**
 * Records what happened to this worker's claims, all in one statement. A
 * claim given up as unknown meanwhile (this worker looked dead) is still
 * recorded truthfully if it turns out to have been sent.
 */
export async function recordOutcomes(tx: Tx, workerId: string, outcomes: MessageOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const column = <T>(pick: (o: MessageOutcome) => T) => outcomes.map(pick);
  await tx`
    update messages m set
      status = o.status::message_status,
      smtp_message_id = coalesce(o.smtp_message_id, m.smtp_message_id),
      template_version = coalesce(o.template_version, m.template_version),
      failure_reason = o.reason,
      next_attempt_at = coalesce(o.retry_at, m.next_attempt_at),
      sent_at = case when o.status = 'sent' then now() else m.sent_at end,
      claimed_by = case when o.status = 'queued' then null else m.claimed_by end
    from unnest(
      ${tx.array(column((o) => o.id))}::uuid[],
      ${tx.array(column((o) => o.status))}::text[],
      ${tx.array(column((o) => (o.status === "sent" ? o.smtpMessageId : null)) as string[])}::text[],
      ${tx.array(column((o) => o.templateVersion) as string[])}::text[],
      ${tx.array(column((o) => (o.status === "sent" ? null : o.reason)) as string[])}::text[],
      ${tx.array(column((o) => (o.status === "queued" ? o.retryAt.toISOString() : null)) as string[])}::timestamptz[]
    ) as o(id, status, smtp_message_id, template_version, reason, retry_at)
    where m.id = o.id and m.claimed_by = ${workerId} and m.status in ('sending', 'unknown')`;
}

export async function findPersonalLink(sql: Sql, tokenHash: string) {
  const [row] = await sql<{ practiceId: string; patientId: string; messageId: string; expiresAt: Date }[]>`
    select practice_id as "practiceId", patient_id as "patientId", message_id as "messageId", expires_at as "expiresAt"
    from find_personal_link(${tokenHash})`;
  return row ? { ...row, expiresAt: instant(row.expiresAt) } : null;
}
