import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { pdfDownload } from "../http/pdf-download.server";
import { readCommissionerLetterForm } from "../http/report-forms.server";
import { commissionerLetter } from "../services/reports.server";

// POST /staff/reports/letter.pdf: the letter to the commissioner, as a PDF download. Anything
// wrong sends the same POST back (307) to the reports page, which shows what.
export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "view-reports");
  const form = await readCommissionerLetterForm(request);
  if (!form.ok) return redirect("/staff/reports", 307);
  const result = await commissionerLetter(context, form.input);
  return result.ok ? pdfDownload(result.letter) : redirect("/staff/reports", 307);
}
