import { randomBytes } from "node:crypto";
import { render, type Options } from "@react-email/render";
import nodemailer from "nodemailer";
import { createElement } from "react";
import { getSql } from "../../db/client.server";
import { formatUkDateTime } from "../content/campaigns";
import { getEnv } from "../env.server";
import { insertDevMail } from "../models/dev-mail.server";
import { createMailTransport } from "./mail-transport.server";
import StaffInvitation, { subject as invitationSubject } from "../../emails/staff-invitation";
import StaffSignInReset, { subject as resetSubject } from "../../emails/staff-sign-in-reset";

// Emails to staff: an invitation to a practice, or the link to set up again after a manager's
// reset. The link in them is a key to an account, so it goes to the person's own address and
// nowhere else: never onto the manager's page. They are sent at once, not through the outbox
// (which is for patients' messages, one practice's at a time), from whichever process made the
// link: the web server, or `cli staff add`.
//
// With SMTP_URL, through that relay. Without it, as the development mail catcher would keep it
// (the same row in dev_mail), for the staff page "Mail sent (development)". That page lists a
// practice's mail by Message-ID, so a staff email's Message-ID names the practice it is filed
// under: <staff-invitation.PRACTICE-ID.RANDOM@host> (app/models/dev-mail.server.ts).

export type StaffMail =
  | { kind: "invitation"; to: string; practice: { id: string; name: string }; roleName: string; link: string; expiresAt: Date }
  | {
      kind: "reset";
      to: string;
      practice: { id: string; name: string };
      link: string;
      expiresAt: Date;
      /**
       * Whether the development mail page of `practice` may show it. A reset link opens an
       * account that may work for other practices too; a manager reading it on that page could
       * then act for them. Without SMTP_URL it is then kept for no practice's page.
       */
      showInDevelopmentMail: boolean;
    };

const PLAIN_TEXT: Options = {
  plainText: true,
  htmlToTextOptions: { selectors: ["h1", "h2", "h3"].map((selector) => ({ selector, options: { uppercase: false } })) },
};

async function renderMail(mail: StaffMail): Promise<{ subject: string; html: string; text: string }> {
  const expires = formatUkDateTime(mail.expiresAt);
  const element =
    mail.kind === "invitation"
      ? createElement(StaffInvitation, { practiceName: mail.practice.name, roleName: mail.roleName, link: mail.link, expires })
      : createElement(StaffSignInReset, { practiceName: mail.practice.name, link: mail.link, expires });
  const [html, text] = await Promise.all([render(element), render(element, PLAIN_TEXT)]);
  const subject = mail.kind === "invitation" ? invitationSubject({ practiceName: mail.practice.name }) : resetSubject();
  // A subject is a header: no line breaks from a practice's name.
  return { subject: subject.replace(/[\p{Cc}\u2028\u2029]+/gu, " ").trim(), html, text };
}

/**
 * Sends one staff email now; false (and a line on stderr) if it could not be handed to the
 * relay. The invitation or reset stands either way: asking again sends a fresh link.
 */
export async function sendStaffMail(mail: StaffMail): Promise<boolean> {
  const env = getEnv();
  const filedUnder = mail.kind === "reset" && !mail.showInDevelopmentMail ? "none" : mail.practice.id;
  const host = new URL(env.publicUrl).hostname;
  const messageId = `<staff-${mail.kind}.${filedUnder}.${randomBytes(12).toString("hex")}@${host}>`;
  try {
    const { subject, html, text } = await renderMail(mail);
    const message = { from: env.mail.from, to: mail.to, subject, html, text, messageId };
    if (env.mail.smtpUrl) {
      // One connection for one message, closed after it: the CLI must not be kept alive by a pool.
      const transport = createMailTransport(env.mail.smtpUrl, { rateLimit: 0, maxConnections: 1 });
      try {
        await transport.sendMail(message);
      } finally {
        transport.close();
      }
    } else {
      const built = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(message);
      await insertDevMail(getSql(), {
        envelopeFrom: built.envelope.from || null,
        envelopeTo: built.envelope.to,
        messageIdHeader: messageId,
        subject,
        source: (built.message as Buffer).toString("utf8"),
      });
    }
    return true;
  } catch (error) {
    process.stderr.write(`Could not send a staff ${mail.kind} email: ${(error as Error).message}\n`);
    return false;
  }
}
