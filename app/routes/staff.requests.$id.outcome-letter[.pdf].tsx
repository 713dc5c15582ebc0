import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { pdfDownload } from "../http/pdf-download.server";
import { letterActorOf, prepareOutcomeLetter } from "../services/letters.server";

// POST /staff/requests/<id>/outcome-letter.pdf: the decision's outcome as a letter, a PDF
// download. Anything wrong sends the same POST back (307) to the request page, which says why.
export async function action({ request, params }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw new Response("There is no such request.", { status: 404 });
  const largePrint = (await request.formData()).get("largePrint") === "yes";
  const prepared = await prepareOutcomeLetter(letterActorOf(context), id.data, { largePrint });
  return prepared.ok ? pdfDownload(prepared.letters) : redirect(`/staff/requests/${id.data}`, 307);
}
