import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { linkageKeyName } from "../domain/letters";
import { readRegistrationForm } from "../http/letter-forms.server";
import { pdfDownload } from "../http/pdf-download.server";
import { letterActorOf, prepareRegistrationLetters } from "../services/letters.server";

// POST /staff/letters/registration.pdf: the letters, as a PDF download. Anything wrong sends the
// same POST back (307) to the page, which shows what (app/http/letter-forms.server.ts).

export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const back = () => redirect("/staff/letters/registration", 307);
  const form = await readRegistrationForm(request, linkageKeyName(context.practice.clinicalSystem));
  if (!form.ok) return back();
  const prepared = await prepareRegistrationLetters(letterActorOf(context), form.input.rows, { largePrint: form.input.largePrint });
  return prepared.ok ? pdfDownload(prepared.letters) : back();
}
