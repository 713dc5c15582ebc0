import PostalMime from "postal-mime";
import type postgres from "postgres";

// What the app's development mail catcher (no SMTP_URL) has received, read as a person would read
// each email: its subject and plain text, decoded.

export interface CaughtMail {
  subject: string;
  text: string;
  /** The outbox template it was sent from; null for mail the outbox did not send. */
  templateKey: string | null;
}

/** Every email the catcher holds for `address`, oldest first. */
export async function caughtMailTo(sql: postgres.Sql, address: string): Promise<CaughtMail[]> {
  const rows = await sql<{ source: string; templateKey: string | null }[]>`
    select d.source, m.template_key as "templateKey"
    from dev_mail d left join messages m on m.smtp_message_id = d.message_id_header
    where ${address} = any(d.envelope_to)
    order by d.id`;
  return Promise.all(
    rows.map(async (row) => {
      const parsed = await PostalMime.parse(row.source);
      return { subject: parsed.subject ?? "", text: parsed.text ?? "", templateKey: row.templateKey };
    }),
  );
}
