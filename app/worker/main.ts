import { setConnection } from "../../db/client.server";
import { openDatabase, type OpenDatabase } from "../../db/runtime.server";
import { logLine } from "../cli/output";
import { parseEnv } from "../env.server";
import { describeStartupFailure } from "../startup-error";
import { startMail, type RunningMail } from "./start.server";

// `npm run worker`: an outbox worker on its own, for running several beside
// the web servers. Stops cleanly on SIGINT/SIGTERM, finishing its batch.

let database: OpenDatabase | undefined;
let mail: RunningMail | undefined;
let stopping = false;

async function start(): Promise<void> {
  const env = parseEnv(process.env);
  database = await openDatabase(env, logLine);
  setConnection(database);
  mail = await startMail(env, { worker: true, log: logLine });
  logLine(`Outbox worker ${mail.worker!.id} sending to ${mail.destination}.`);
}

async function stop(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await mail?.close().catch(() => {});
    setConnection(undefined);
    await database?.close().catch(() => {});
  }
  process.exit(exitCode);
}

process.once("SIGINT", () => void stop(0));
process.once("SIGTERM", () => void stop(0));

start().catch(async (error: unknown) => {
  logLine(describeStartupFailure(error));
  await stop(1);
});
