import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port";
import { startRunningServer } from "../helpers/running-server";
import { until } from "../helpers/waiting";

// Issue 17: after a crash, the next `npm start` takes over the embedded PostgreSQL the crashed
// process left running, and says so. Ctrl-C then left that PostgreSQL running, for good.

/**
 * Whether the process still runs. A zombie has stopped: whatever inherits an orphan (pid 1 in
 * some containers) may never reap it.
 */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "portal-adopted-"));
const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
let leftover: number | undefined;

afterAll(() => {
  // Should the test fail, leave nothing running.
  if (leftover !== undefined && isRunning(leftover)) process.kill(leftover, "SIGINT");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start after a crash", () => {
  it("stops on Ctrl-C the embedded PostgreSQL it took over", async () => {
    const env = { DATABASE_URL: "", DATA_DIR: dataDir, PORT: String(await freePort()), DEMO_PRACTICE: "false", WORKER: "false" };
    const crashed = await startRunningServer(env);
    leftover = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    await crashed.stop("SIGKILL");
    expect(isRunning(leftover)).toBe(true);

    const next = await startRunningServer(env);
    expect(next.log()).toContain(`Using the embedded PostgreSQL left running by an earlier start (pid ${leftover}).`);
    expect((await fetch(`http://localhost:${env.PORT}/healthz`)).status).toBe(200);
    await next.stop("SIGINT");

    // The server waits for PostgreSQL to finish; a moment's grace all the same for the process table.
    await until(async () => !isRunning(leftover!), "the adopted PostgreSQL to stop", 5_000);
    expect(existsSync(pidFile)).toBe(false);
  });
});
