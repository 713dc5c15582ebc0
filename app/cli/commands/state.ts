import { parseArgs } from "node:util";
import { ACCESS_STATES } from "../../domain/access-state";
import { isIsoDay, ukLocalDay } from "../../domain/calendar";
import { listAccessStates } from "../../services/access-states.server";
import { CliError } from "../cli-error";
import { printJson, printLine } from "../output";

export const stateUsage = "state --practice CODE [--as-of YYYY-MM-DD] [--json]";

export async function stateCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      practice: { type: "string" },
      "as-of": { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.practice) throw new CliError(`state needs --practice. Usage: ${stateUsage}`);
  const asOf = values["as-of"] ?? ukLocalDay(new Date());
  if (!isIsoDay(asOf)) throw new CliError(`--as-of must be a real date written YYYY-MM-DD, not "${asOf}".`);

  const result = await listAccessStates(values.practice.toUpperCase(), asOf);
  if (!result.ok) throw new CliError(result.error);
  if (values.json) {
    printJson(result.patients);
    return;
  }
  const eligible = result.patients.filter((p) => p.eligible);
  printLine(`${values.practice.toUpperCase()} as of ${asOf}: ${result.patients.length} patients, ${eligible.length} eligible (16+, alive, registered).`);
  for (const state of ACCESS_STATES) {
    const n = eligible.filter((p) => p.state === state).length;
    printLine(`  ${state.padEnd(16)} ${String(n).padStart(8)}`);
  }
}
