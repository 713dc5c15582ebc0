import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { setConnection } from "../db/client.server";
import { openDatabase, type OpenDatabase } from "../db/runtime.server";
import { parseEnv } from "../app/env.server";
import { demoSignInHelp, ensureDemoPractice } from "../app/services/demo-practice.server";
import { describeStartupFailure, StartupError } from "../app/startup-error";
import { startMail, type RunningMail } from "../app/worker/start.server";
import { buildIfNeeded, SERVER_BUILD } from "./build";

// `npm start`: build if needed, open (or start) the database and migrate it,
// create the demo practice on an empty database, then serve.

const dev = process.argv.includes("--dev");
if (!dev) process.env.NODE_ENV ??= "production";

const log = (line: string) => process.stdout.write(`${line}\n`);
let database: OpenDatabase | undefined;
let mail: RunningMail | undefined;
let server: Server | undefined;
let stopping = false;

async function start(): Promise<void> {
  const env = parseEnv(process.env);
  // Fail fast, before starting a database or building, on a taken port.
  await checkPortFree(env.port, env.host);

  database = await openDatabase(env, log);
  setConnection(database);
  log(database.embedded ? `Database: embedded PostgreSQL in ${env.dataDir}.` : "Database: DATABASE_URL.");
  if (!dev) buildIfNeeded(log);
  if (env.demoPractice) {
    await ensureDemoPractice(log);
    for (const line of await demoSignInHelp()) log(line);
  }

  mail = await startMail(env, { worker: env.mail.runWorkerInProcess, log });
  log(`Mail: sent to ${mail.destination}${mail.worker ? " by an outbox worker in this process" : "; no worker here (WORKER=false)"}.`);

  const { createApp } = await import("./app");
  const app = dev
    ? createApp({
        production: false,
        vite: await (await import("vite")).createServer({ server: { middlewareMode: true } }),
      })
    : createApp({
        production: env.nodeEnv === "production",
        build: (await import(pathToFileURL(SERVER_BUILD).href)) as ServerBuild,
      });

  server = await listen(app, env.port, env.host);
  log(`The portal is ready at http://localhost:${env.port}`);
}

function listen(app: (req: IncomingMessage, res: ServerResponse) => void, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = createServer(app);
    s.once("listening", () => resolve(s));
    s.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new StartupError(`Port ${port} is already in use: stop the program using it, or set PORT to another port.`)
          : error.code === "EACCES"
            ? new StartupError(`Port ${port} needs more privileges than this user has: set PORT to a number above 1023.`)
            : error,
      );
    });
    s.listen(port, host);
  });
}

async function checkPortFree(port: number, host: string): Promise<void> {
  const probe = await listen(() => {}, port, host);
  await new Promise((resolve) => probe.close(resolve));
}

async function stop(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await mail?.close().catch(() => {});
    setConnection(undefined);
    await database?.close().catch(() => {});
  }
  process.exit(exitCode);
}

process.once("SIGINT", () => void stop(0));
process.once("SIGTERM", () => void stop(0));

start().catch(async (error: unknown) => {
  process.stderr.write(`${describeStartupFailure(error)}\n`);
  await stop(1);
});
