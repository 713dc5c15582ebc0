import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { csvDownload } from "../http/csv-download.server";
import { exportForStaff } from "../services/exports.server";

// /staff/exports/actions.csv: decided-but-not-done clinical-system steps.
// Audited by the service.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "export-remediation", { writesAudit: true });
  const result = await exportForStaff(context, "actions", new Date());
  if (!result.ok) throw new Response("You do not have permission to do this.", { status: 403 });
  return csvDownload(result.csv, result.filename);
}
