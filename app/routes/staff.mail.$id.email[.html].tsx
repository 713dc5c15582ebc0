import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { mailContent } from "../content/mail";
import { getEnv } from "../env.server";
import { showDevMail } from "../services/dev-mail.server";

// /staff/mail/:id/email.html: a caught message's html part, for its sandboxed
// frame on the message page. Paths ending in /email.html get a CSP of their
// own that lets email's inline styles apply and nothing run (server/app.ts).
// The catcher's ids are positive integers.
const idSchema = z.string().regex(/^[1-9][0-9]{0,14}$/).transform(Number);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-development-mail");
  if (getEnv().mail.smtpUrl) throw new Response("Not found", { status: 404 });
  const id = idSchema.safeParse(params.id);
  const mail = id.success ? await showDevMail(context.practice.id, id.data) : null;
  if (!mail?.html) throw new Response(mailContent.message.notFound, { status: 404 });
  return new Response(mail.html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}
