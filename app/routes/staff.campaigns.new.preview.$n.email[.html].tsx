import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { CAMPAIGN_TEMPLATE_KEYS } from "../domain/message-templates";
import { planCampaign, PREVIEW_PATIENTS } from "../services/campaigns.server";

// /staff/campaigns/new/preview/:n/email.html?template=KEY: the html of the
// n-th preview on the plan page, for its sandboxed frame. Paths ending in
// /email.html get a CSP of their own that lets email's inline styles apply
// and nothing run (server/app.ts).

const paramsSchema = z.object({
  n: z.coerce.number().int().min(1).max(PREVIEW_PATIENTS),
  template: z.enum(CAMPAIGN_TEMPLATE_KEYS),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "run-campaigns");
  const parsed = paramsSchema.safeParse({ n: params.n, template: new URL(request.url).searchParams.get("template") });
  if (!parsed.success) throw new Response("There is no such preview.", { status: 404 });
  const plan = await planCampaign(context.practice.id, parsed.data.template);
  const preview = plan.previews[parsed.data.n - 1];
  if (!preview) throw new Response("There is no such preview.", { status: 404 });
  return new Response(preview.message.html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}
