import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { csvDownload } from "../http/csv-download.server";
import { monthlyReport, reportCsv } from "../services/reports.server";

// /staff/reports.csv?month=YYYY-MM: the monthly report as `figure,value` rows.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-reports");
  const result = await monthlyReport(context, new URL(request.url).searchParams.get("month") ?? "");
  if (!result.ok) throw new Response("Choose a month that has begun, written YYYY-MM.", { status: 400 });
  return csvDownload(reportCsv(result.report), `report-${result.report.practice.odsCode}-${result.report.month}.csv`);
}
