import { spawn } from "node:child_process";
import { BenchmarkFailed } from "./failed";

// What the load and edge benches share: the portal started as `npm start`
// starts it, and exact percentiles of every time kept.

export interface BenchServer {
  /** Everything the server has printed so far. */
  log(): string;
  /** Stops it as a supervisor would (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const child = spawn("node", ["--import", "tsx", "server/index.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr.on("data", (c: Buffer) => (log += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (log.includes("ready at")) resolve();
      else if (child.exitCode !== null || Date.now() - started > 120_000) reject(new Error(`The server did not start:\n${log}`));
      else setTimeout(check, 100);
    };
    check();
  });
  return {
    log: () => log,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

export function percentiles(times: number[]): { p50: number; p95: number; p99: number } {
  const sorted = times.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/**
 * Runs a bench script in a process of its own, so its memory is measured alone, and reads
 * the JSON it prints last. `failure` says what failed, for the error.
 */
export function figuresFromChild<T>(args: string[], env: Record<string, string>, failure: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn("node_modules/.bin/tsx", args, { env: { ...process.env, ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new BenchmarkFailed(`${failure}: ${err.trim()}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1)!) as T);
    });
  });
}
