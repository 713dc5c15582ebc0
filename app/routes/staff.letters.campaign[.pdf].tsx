import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { pdfDownload } from "../http/pdf-download.server";
import { letterActorOf, prepareCampaignLetters } from "../services/letters.server";

// POST /staff/letters/campaign.pdf: a campaign's "needs a letter" patients, as a PDF download.
// Anything wrong sends the same POST back (307) to the letters page, which shows what.

export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const back = () => redirect("/staff/letters", 307);
  const campaignId = z.uuid().safeParse((await request.formData()).get("campaignId"));
  if (!campaignId.success) return back();
  const prepared = await prepareCampaignLetters(letterActorOf(context), campaignId.data, { largePrint: false });
  return prepared?.ok ? pdfDownload(prepared.letters) : back();
}
