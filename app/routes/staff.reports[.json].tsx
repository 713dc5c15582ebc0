import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { monthlyReport, reportDocument } from "../services/reports.server";

// /staff/reports.json?month=YYYY-MM: the monthly report as the CLI's `report --json` gives it.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-reports");
  const result = await monthlyReport(context, new URL(request.url).searchParams.get("month") ?? "");
  if (!result.ok) throw new Response("Choose a month that has begun, written YYYY-MM.", { status: 400 });
  return new Response(`${JSON.stringify(reportDocument(result.report), null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="report-${result.report.practice.odsCode}-${result.report.month}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
