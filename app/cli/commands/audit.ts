import { parseArgs } from "node:util";
import { verifyAuditChain } from "../../services/audit.server";
import { CliError } from "../cli-error";
import { printJson, printLine } from "../output";

export const auditUsage = "audit verify --practice CODE [--json]";

export async function auditCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== "verify") throw new CliError(`Usage: ${auditUsage}`);
  const { values } = parseArgs({
    args: rest,
    options: { practice: { type: "string" }, json: { type: "boolean", default: false } },
    strict: true,
  });
  if (!values.practice) throw new CliError(`audit verify needs --practice. Usage: ${auditUsage}`);
  const result = await verifyAuditChain(values.practice.toUpperCase());
  if (!result.ok) throw new CliError(result.error);
  if (values.json) printJson({ rows: result.rows, firstBroken: result.firstBroken });
  if (result.firstBroken) {
    const what = result.firstBroken.reason === "hash" ? "its contents do not match its hash" : "it does not link to the row before it";
    throw new CliError(`The audit trail is broken at row ${result.firstBroken.id}: ${what}.`);
  }
  if (!values.json) printLine(`The audit trail of ${values.practice.toUpperCase()} is intact (${result.rows} rows).`);
}
