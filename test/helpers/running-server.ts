import { spawn, type ChildProcess } from "node:child_process";

export interface RunningServer {
  child: ChildProcess;
  log(): string;
  /** Sends the signal (as Ctrl-C or a supervisor would) and waits for exit. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/** Starts the server as `npm start` does and waits until it says it is ready. */
export async function startRunningServer(env: Record<string, string>): Promise<RunningServer> {
  // The pid we hold is the server's own node process, not a wrapper's.
  const child = spawn("node", ["--import", "tsx", "server/index.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start:\n${log}`)), 90_000);
    const check = () => {
      if (log.includes("ready at")) {
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`The server exited:\n${log}`));
      } else {
        setTimeout(check, 100);
      }
    };
    check();
  });
  return {
    child,
    log: () => log,
    stop: async (signal) => {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}
