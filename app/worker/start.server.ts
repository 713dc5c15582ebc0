import type { Transporter } from "nodemailer";
import type { Env } from "../env.server";
import { startMailCatcher, type MailCatcher } from "../services/dev-mail.server";
import { createMailTransport } from "../services/mail-transport.server";
import { createOutboxWorker, type OutboxWorker } from "./outbox-worker.server";

export interface RunningMail {
  /** Where mail goes: "SMTP_URL", or the catcher's address. */
  destination: string;
  worker: OutboxWorker | null;
  transport: Transporter;
  close(): Promise<void>;
}

/**
 * The mail side of a process: a transport to SMTP_URL, or to a catcher
 * started here when there is none; and, when asked, an outbox worker on it.
 */
export async function startMail(env: Env, options: { worker: boolean; log: (line: string) => void }): Promise<RunningMail> {
  let catcher: MailCatcher | null = null;
  if (!env.mail.smtpUrl) catcher = await startMailCatcher(options.log);
  const transport = createMailTransport(env.mail.smtpUrl ?? catcher!.url, { rateLimit: env.mail.rateLimit });
  const worker = options.worker
    ? createOutboxWorker({
        transport,
        from: env.mail.from,
        publicUrl: env.publicUrl,
        sendingHours: env.mail.sendingHours,
        retry: env.mail.retry,
        staleAfterMs: env.mail.staleAfterMs,
        log: options.log,
      })
    : null;
  void worker?.run();
  return {
    destination: env.mail.smtpUrl ? "SMTP_URL" : `the development mail catcher (${catcher!.url})`,
    worker,
    transport,
    async close() {
      await worker?.stop();
      transport.close();
      await catcher?.close();
    },
  };
}
