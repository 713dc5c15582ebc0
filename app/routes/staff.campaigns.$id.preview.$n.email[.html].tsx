import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { previewCampaignMessages, PREVIEW_PATIENTS } from "../services/campaigns.server";

// /staff/campaigns/:id/preview/:n/email.html: the html of a created
// campaign's n-th preview, for its sandboxed frame. Paths ending in
// /email.html get a CSP of their own that lets email's inline styles apply
// and nothing run (server/app.ts).

const paramsSchema = z.object({
  id: z.uuid(),
  n: z.coerce.number().int().min(1).max(PREVIEW_PATIENTS),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "run-campaigns");
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw new Response("There is no such preview.", { status: 404 });
  const previews = await previewCampaignMessages(context.practice.id, parsed.data.id);
  const preview = previews?.[parsed.data.n - 1];
  if (!preview) throw new Response("There is no such preview.", { status: 404 });
  return new Response(preview.message.html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}
