import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { csvDownload } from "../http/csv-download.server";
import { auditTrailCsv, readAuditQuery } from "../services/audit.server";

// /staff/audit.csv: every entry the audit page shows for the same filters, on all its pages.
// Downloading it is audited by the service. An NHS number that is not one goes back to the page,
// which shows it beside its error.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-audit", { writesAudit: true });
  const url = new URL(request.url);
  const { searchParams } = url;
  const query = readAuditQuery({
    actorId: searchParams.get("actorId"),
    action: searchParams.get("action"),
    patient: searchParams.get("patient"),
    from: searchParams.get("from"),
    to: searchParams.get("to"),
    before: null,
    after: null,
  });
  const result = await auditTrailCsv(context, query);
  if (!result.ok) throw redirect(`/staff/audit${url.search}`);
  return csvDownload(result.csv, result.filename);
}
