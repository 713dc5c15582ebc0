import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { reportCsv } from "../services/import-jobs.server";

// /staff/import/:jobId/report.csv: the rejected rows and warnings of an
// import (the first 1,000 of each, then how many more rows have each
// problem), for fixing the export in the clinical system.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "import-patients");
  const csv = reportCsv(context, params.jobId ?? "");
  if (csv === null) throw new Response("There is no such report.", { status: 404 });
  // The byte order mark makes Excel read the file as UTF-8 (names like Siân).
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="import-report.csv"',
      "Cache-Control": "no-store",
    },
  });
}
