import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { readMessageForm } from "../http/letter-forms.server";
import { pdfDownload } from "../http/pdf-download.server";
import { letterActorOf, prepareSingleMessageLetter } from "../services/letters.server";

// POST /staff/letters/message.pdf: one patient's message by post, as a PDF download. Anything
// wrong sends the same POST back (307) to the page, which shows what.

export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const back = () => redirect("/staff/letters/message", 307);
  const form = await readMessageForm(request);
  if (!form.ok) return back();
  const prepared = await prepareSingleMessageLetter(letterActorOf(context), form.input);
  return prepared.ok ? pdfDownload(prepared.letters) : back();
}
