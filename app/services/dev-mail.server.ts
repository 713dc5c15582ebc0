import { SMTPServer } from "smtp-server";
import PostalMime, { decodeWords } from "postal-mime";
import { getSql } from "../../db/client.server";
import { freePort } from "../../db/free-port.server";
import { withPracticeSql } from "../../db/tenancy.server";
import { countPracticeDevMail, findDevMailOfMessage, getPracticeDevMail, insertDevMail, listPracticeDevMail } from "../models/dev-mail.server";

// Without SMTP_URL nothing leaves the machine: a real SMTP server inside the
// process (smtp-server) takes every message and keeps it in the database, for
// the staff page "Mail sent (development)".

/** Mail bigger than this is refused: no template comes near it. */
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export interface MailCatcher {
  url: string;
  close(): Promise<void>;
}

export async function startMailCatcher(log: (line: string) => void = () => {}): Promise<MailCatcher> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: "Online access portal development mail catcher",
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error("Message too big"), { responseCode: 552 }));
          return;
        }
        const source = Buffer.concat(chunks).toString("utf8");
        const headers = headerFields(source);
        insertDevMail(getSql(), {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          messageIdHeader: headers.get("message-id") ?? null,
          subject: headers.get("subject") ?? null,
          source,
        }).then(
          () => callback(),
          (error: Error) => {
            log(`Mail catcher: could not keep a message (${error.message}).`);
            callback(Object.assign(new Error("Could not store the message, try again"), { responseCode: 451 }));
          },
        );
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  server.on("error", (error) => log(`Mail catcher: ${error.message}`));
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The unfolded header fields of a message, by lower-case name (first of each). */
function headerFields(source: string): Map<string, string> {
  const end = source.search(/\r?\n\r?\n/);
  const block = (end === -1 ? source : source.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const fields = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, decodeWords(line.slice(colon + 1).trim()));
  }
  return fields;
}

export const DEV_MAIL_PAGE_SIZE = 100;

export async function listDevMail(practiceId: string) {
  return withPracticeSql(practiceId, async (tx) => ({
    total: await countPracticeDevMail(tx),
    mail: await listPracticeDevMail(tx, DEV_MAIL_PAGE_SIZE),
  }));
}

export interface ShownMail {
  id: number;
  receivedAt: Date;
  to: string[];
  from: string;
  subject: string;
  messageId: string;
  html: string | null;
  text: string | null;
}

/** The catcher's id of the email an outbox message became, or null (not sent yet, or not this practice's). */
export async function devMailIdOfMessage(practiceId: string, messageId: string): Promise<number | null> {
  return withPracticeSql(practiceId, (tx) => findDevMailOfMessage(tx, messageId));
}

/** One caught message, decoded for showing; null if it is not this practice's. */
export async function showDevMail(practiceId: string, id: number): Promise<ShownMail | null> {
  const row = await withPracticeSql(practiceId, (tx) => getPracticeDevMail(tx, id));
  if (!row) return null;
  const parsed = await PostalMime.parse(row.source);
  return {
    id: row.id,
    receivedAt: row.receivedAt,
    to: row.envelopeTo,
    from: parsed.from?.address ?? "",
    subject: parsed.subject ?? "",
    messageId: parsed.messageId ?? "",
    html: parsed.html ?? null,
    text: parsed.text ?? null,
  };
}
