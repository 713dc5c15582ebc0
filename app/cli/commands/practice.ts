import { parseArgs } from "node:util";
import { addPractice } from "../../services/practices.server";
import { CliError } from "../cli-error";
import { printJson, printLine } from "../output";

export const practiceUsage = "practice add --ods CODE --name NAME --system emis|tpp [--go-live YYYY-MM-DD] [--phone NUMBER] [--json]";

export async function practiceCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== "add") throw new CliError(`Usage: ${practiceUsage}`);
  const { values } = parseArgs({
    args: rest,
    options: {
      ods: { type: "string" },
      name: { type: "string" },
      system: { type: "string" },
      "go-live": { type: "string" },
      phone: { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.ods || !values.name || !values.system) {
    throw new CliError(`practice add needs --ods, --name and --system. Usage: ${practiceUsage}`);
  }
  const result = await addPractice({
    odsCode: values.ods,
    name: values.name,
    clinicalSystem: values.system as "emis" | "tpp",
    goLiveDate: values["go-live"],
    phone: values.phone,
  });
  if (!result.ok) throw new CliError(result.error);
  const { practice } = result;
  if (values.json) {
    printJson({
      odsCode: practice.odsCode,
      name: practice.name,
      clinicalSystem: practice.clinicalSystem,
      goLiveDate: practice.goLiveDate,
    });
  } else {
    printLine(`Added ${practice.name} (${practice.odsCode}).`);
  }
}
