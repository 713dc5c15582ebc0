import { parseArgs } from "node:util";
import { seedPractice } from "../../services/seed.server";
import { CliError } from "../cli-error";
import { printJson, printLine } from "../output";

export const seedUsage = "seed --practice CODE --patients N [--bulk-104] [--json]";

export async function seedCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      practice: { type: "string" },
      patients: { type: "string" },
      "bulk-104": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.practice || !values.patients) {
    throw new CliError(`seed needs --practice and --patients. Usage: ${seedUsage}`);
  }
  if (!/^\d+$/.test(values.patients)) {
    throw new CliError(`--patients must be a whole number, not "${values.patients}".`);
  }
  const result = await seedPractice({
    odsCode: values.practice.toUpperCase(),
    patients: Number(values.patients),
    bulk104: values["bulk-104"],
  });
  if (!result.ok) throw new CliError(result.error);
  if (values.json) printJson(result);
  else printLine(`Seeded ${result.patients.toLocaleString("en-GB")} patients into ${result.practice}.`);
}
