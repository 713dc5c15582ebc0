import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { EmailFrame, PlainTextEmail } from "../components/email-preview";
import { SummaryList } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { formatUkDateTime } from "../content/campaigns";
import { mailContent } from "../content/mail";
import { getEnv } from "../env.server";
import { devMailIdOfMessage, showDevMail } from "../services/dev-mail.server";

const content = mailContent.message;

export const handle = { title: content.title };

// The catcher's ids are positive integers.
const idSchema = z.string().regex(/^[1-9][0-9]{0,14}$/).transform(Number);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-development-mail");
  if (getEnv().mail.smtpUrl) throw new Response("Not found", { status: 404 });
  // A request page links an outbox message by its id: show the email it became.
  const outboxId = z.uuid().safeParse(params.id);
  if (outboxId.success) {
    const caught = await devMailIdOfMessage(context.practice.id, outboxId.data);
    if (caught === null) throw new Response(content.notFound, { status: 404 });
    throw redirect(`/staff/mail/${caught}`);
  }
  const id = idSchema.safeParse(params.id);
  const mail = id.success ? await showDevMail(context.practice.id, id.data) : null;
  if (!mail) throw new Response(content.notFound, { status: 404 });
  return {
    viewer: toViewer(context),
    mail: {
      id: mail.id,
      from: mail.from,
      to: mail.to.join(", "),
      subject: mail.subject,
      messageId: mail.messageId,
      received: formatUkDateTime(mail.receivedAt),
      hasHtml: mail.html !== null,
      text: mail.text,
    },
  };
}

export default function DevelopmentMailMessagePage() {
  const { viewer, mail } = useLoaderData<typeof loader>();
  const rows = content.rows;
  return (
    <StaffPage viewer={viewer}>
      <h1>
        <span className="nhsuk-caption-l">
          {content.title}
          <span className="nhsuk-u-visually-hidden"> - </span>
        </span>
        {mail.subject}
      </h1>
      <SummaryList
        rows={[
          { key: rows.from, value: mail.from },
          { key: rows.to, value: mail.to },
          { key: rows.subject, value: mail.subject },
          { key: rows.messageId, value: <code>{mail.messageId}</code> },
          { key: rows.received, value: mail.received },
        ]}
      />
      <h2>{content.htmlHeading}</h2>
      {mail.hasHtml ? <EmailFrame src={`/staff/mail/${mail.id}/email.html`} title={content.htmlTitle(mail.subject)} /> : <p>{content.noHtml}</p>}
      <h2>{content.textHeading}</h2>
      {mail.text !== null ? <PlainTextEmail text={mail.text} /> : <p>{content.noText}</p>}
      <p>
        <a href="/staff/mail">{content.back}</a>
      </p>
    </StaffPage>
  );
}
