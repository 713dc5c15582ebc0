import { createConnection, setConnection } from "../../db/client.server";
import { importPatientList } from "../../app/services/patient-import.server";

// Run by `npm run bench -- import` in a process of its own, so its peak is its own: previews
// (a dry run, as the staff page's preview is) the file given for the practice given, against
// DATABASE_URL, and prints {"ok", "error", "rejectedTotal", "warningsTotal", "kept", "seconds",
// "startRssBytes", "peakRssBytes"} on stdout.

const [filePath, odsCode] = process.argv.slice(2);
const connection = createConnection(process.env.DATABASE_URL!, { max: 2, asApp: true });
setConnection(connection);
const startRssBytes = process.memoryUsage().rss;
const started = performance.now();
const result = await importPatientList({ odsCode: odsCode!, filePath: filePath!, format: "canonical", dryRun: true, actor: { id: null, role: "cli" } });
const seconds = (performance.now() - started) / 1000;
// maxRSS is in kilobytes, and covers the whole process: loading the modules, and the preview.
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
setConnection(undefined);
await connection.close();
const figures = result.ok
  ? {
      ok: true,
      rejectedTotal: result.outcome.rejectedTotal,
      warningsTotal: result.outcome.warningsTotal,
      kept: result.outcome.rejected.length + result.outcome.warnings.length,
    }
  : { ok: false, error: result.error };
process.stdout.write(`${JSON.stringify({ ...figures, seconds, startRssBytes, peakRssBytes })}\n`);
