import type postgres from "postgres";
import { instant } from "../../db/timestamps.server";

// The development mail catcher's inbox (never used with SMTP_URL). It has no
// practice of its own: staff see only mail whose Message-ID matches one of
// their practice's messages, which row-level security filters, and the staff
// emails (invitations, sign-in resets) whose Message-ID names their practice:
// <staff-invitation.PRACTICE-ID.RANDOM@host> (app/services/staff-mail.server.ts).

type Sql = postgres.Sql | postgres.TransactionSql;

export interface NewDevMail {
  envelopeFrom: string | null;
  envelopeTo: string[];
  messageIdHeader: string | null;
  subject: string | null;
  source: string;
}

export async function insertDevMail(sql: Sql, mail: NewDevMail): Promise<void> {
  await sql`
    insert into dev_mail (envelope_from, envelope_to, message_id_header, subject, source)
    values (${mail.envelopeFrom}, ${sql.array(mail.envelopeTo)}::text[], ${mail.messageIdHeader}, ${mail.subject}, ${mail.source})`;
}

export interface DevMailSummary {
  id: number;
  receivedAt: Date;
  envelopeTo: string[];
  subject: string | null;
  templateKey: string;
}

/** Staff emails filed under the practice the transaction acts for (none when it acts for none). */
const staffMailOfPractice = (tx: postgres.TransactionSql) =>
  tx`(d.message_id_header like '<staff-invitation.' || current_practice_id()::text || '.%'
      or d.message_id_header like '<staff-reset.' || current_practice_id()::text || '.%')`;

/** The practice's mail the catcher received, newest first. */
export async function listPracticeDevMail(tx: postgres.TransactionSql, limit: number): Promise<DevMailSummary[]> {
  const rows = await tx<DevMailSummary[]>`
    select * from (
      select d.id, d.received_at as "receivedAt", d.envelope_to as "envelopeTo", d.subject, m.template_key::text as "templateKey"
      from dev_mail d join messages m on m.smtp_message_id = d.message_id_header
      union all
      select d.id, d.received_at, d.envelope_to, d.subject, split_part(substr(d.message_id_header, 2), '.', 1)
      from dev_mail d where ${staffMailOfPractice(tx)}
    ) mail order by id desc limit ${limit}`;
  return rows.map((row) => ({ ...row, receivedAt: instant(row.receivedAt) }));
}

export async function countPracticeDevMail(tx: postgres.TransactionSql): Promise<number> {
  const [row] = await tx<{ n: number }[]>`
    select (select count(*) from dev_mail d join messages m on m.smtp_message_id = d.message_id_header)::int
         + (select count(*) from dev_mail d where ${staffMailOfPractice(tx)})::int as n`;
  return row!.n;
}

/** The catcher's id for an outbox message of the practice (row-level security keeps it to one practice). */
export async function findDevMailOfMessage(tx: postgres.TransactionSql, messageId: string): Promise<number | null> {
  const [row] = await tx<{ id: number }[]>`
    select d.id from dev_mail d join messages m on m.smtp_message_id = d.message_id_header
    where m.id = ${messageId} order by d.id desc limit 1`;
  return row?.id ?? null;
}

export async function getPracticeDevMail(tx: postgres.TransactionSql, id: number) {
  const [row] = await tx<{ id: number; receivedAt: Date; envelopeTo: string[]; source: string }[]>`
    select d.id, d.received_at as "receivedAt", d.envelope_to as "envelopeTo", d.source
    from dev_mail d
    where d.id = ${id}
      and (exists (select 1 from messages m where m.smtp_message_id = d.message_id_header) or ${staffMailOfPractice(tx)})`;
  return row ? { ...row, receivedAt: instant(row.receivedAt) } : null;
}
