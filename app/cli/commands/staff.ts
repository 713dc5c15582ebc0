import { parseArgs } from "node:util";
import { currentTotpCode } from "../../auth/totp.server";
import { SETUP_LINK_DAYS } from "../../content/staff";
import { getEnv } from "../../env.server";
import { DEMO_STAFF } from "../../services/demo-practice.server";
import { addStaffFromCli } from "../../services/staff-admin.server";
import { CliError } from "../cli-error";
import { printJson, printLine } from "../output";

export const staffUsage = [
  "staff add --practice CODE --email EMAIL --name NAME --role reception|clinician|manager [--json]",
  "staff demo-codes   (the demo staff's current sign-in codes; demo practice only)",
].join("\n  ");

export async function staffCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "add") return addStaff(rest);
  if (sub === "demo-codes") return demoCodes();
  throw new CliError(`Usage: ${staffUsage}`);
}

async function addStaff(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      practice: { type: "string" },
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.practice || !values.email || !values.name || !values.role) {
    throw new CliError("staff add needs --practice, --email, --name and --role.");
  }
  const result = await addStaffFromCli({
    odsCode: values.practice.toUpperCase(),
    email: values.email,
    name: values.name,
    role: values.role,
  });
  if (!result.ok) throw new CliError(result.error);
  if (values.json) {
    printJson(
      result.kind === "invited"
        ? { email: result.email, setupLink: result.setupLink, emailed: result.emailed }
        : { email: result.email, setupLink: null, emailed: false },
    );
  } else if (result.kind === "invited") {
    printLine(
      result.emailed
        ? `Added ${result.email}. We have emailed them a one-time set-up link (valid for ${SETUP_LINK_DAYS} days). It is also here, to give them yourself if need be:`
        : `Added ${result.email}. We could not email them their set-up link, so give them this one yourself (one-time, valid for ${SETUP_LINK_DAYS} days):`,
    );
    printLine(result.setupLink);
  } else {
    printLine(`${result.email} already has an account and can now sign in to this practice.`);
  }
}

function demoCodes(): void {
  if (!getEnv().demoPractice) throw new CliError("Demo codes are only shown while DEMO_PRACTICE is on.");
  const now = new Date();
  for (const person of DEMO_STAFF) printLine(`${person.email.padEnd(30)} ${currentTotpCode(person.totpSecret, now)}`);
}
