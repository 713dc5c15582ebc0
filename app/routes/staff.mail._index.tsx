import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { Table } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { formatUkDateTime } from "../content/campaigns";
import { mailContent } from "../content/mail";
import { staffMailNames } from "../content/staff";
import { isTemplateKey, templateName } from "../domain/message-templates";
import { getEnv } from "../env.server";
import { listDevMail } from "../services/dev-mail.server";

const content = mailContent.list;

export const handle = { title: content.title };

// Only while the development mail catcher takes the mail (no SMTP_URL): with
// a real relay, mail has gone to patients and there is nothing here to see.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-development-mail");
  if (getEnv().mail.smtpUrl) throw new Response("Not found", { status: 404 });
  const { total, mail } = await listDevMail(context.practice.id);
  return {
    viewer: toViewer(context),
    total,
    mail: mail.map((m) => ({
      id: m.id,
      received: formatUkDateTime(m.receivedAt),
      to: m.envelopeTo.join(", "),
      subject: m.subject ?? content.noSubject,
      template: isTemplateKey(m.templateKey) ? templateName(m.templateKey) : (staffMailNames[m.templateKey] ?? m.templateKey),
    })),
  };
}

export default function DevelopmentMailPage() {
  const { viewer, total, mail } = useLoaderData<typeof loader>();
  return (
    <StaffPage viewer={viewer}>
      <h1>{content.title}</h1>
      <p>{content.intro}</p>
      <p id="mail-total">{content.total(total)}</p>
      {mail.length === 0 ? (
        <p>{content.none}</p>
      ) : (
        <Table
          caption={content.caption(mail.length, total)}
          captionSize="s"
          head={content.head}
          rows={mail.map((m) => [m.received, m.to, <a href={`/staff/mail/${m.id}`} key="subject">
              {m.subject}
              <span className="nhsuk-u-visually-hidden">{content.linkHidden(m.to, m.received)}</span>
            </a>, m.template])}
        />
      )}
    </StaffPage>
  );
}
