import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port";
import { runNode } from "../helpers/run-command";
import { startRunningServer, type RunningServer } from "../helpers/running-server";
import { createEmptyDatabase } from "../helpers/test-database";

// The server as `npm start` runs it: tsx server/index.ts.
const startServer = (env: Record<string, string>) => runNode(["server/index.ts"], env, { timeoutMs: 90_000 });

describe("npm start", () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let running: RunningServer;
  let port: number;
  let log = "";

  beforeAll(async () => {
    database = await createEmptyDatabase();
    port = await freePort();
    running = await startRunningServer({ DATABASE_URL: database.url, DEMO_PRACTICE: "true", PORT: String(port) });
    log = running.log();
  });

  afterAll(async () => {
    await running?.stop("SIGTERM");
    await database.drop();
  });

  it("creates the demo practice on an empty database and says so", () => {
    expect(log).toContain("Created the demo practice Riverside Medical Practice (Y90001) with 2,000 synthetic patients.");
  });

  it("serves the patient home page with the practice's name, the choices, and NHS.UK styles", async () => {
    const response = await fetch(`http://localhost:${port}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<title>Seeing your GP health record online at Riverside Medical Practice</title>");
    expect(html).toContain("If you do not want to see your record online");
    expect(html).toContain('lang="en-GB"');
    const stylesheet = /href="(\/assets\/nhsuk-frontend[^"]+\.css)"/.exec(html)?.[1];
    expect(stylesheet).toBeDefined();
    expect((await fetch(`http://localhost:${port}${stylesheet}`)).status).toBe(200);
  });

  it("sends a CSP that allows only its own scripts, with a nonce on each inline one", async () => {
    const response = await fetch(`http://localhost:${port}/`);
    const csp = response.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(nonce).toBeDefined();
    const html = await response.text();
    const inlineScripts = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? [];
    expect(inlineScripts.length).toBeGreaterThan(0);
    for (const tag of inlineScripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("answers /healthz", async () => {
    const response = await fetch(`http://localhost:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("refuses a second start on the same port with one sentence and exit code 1", async () => {
    const second = await startServer({ DATABASE_URL: database.url, PORT: String(port) });
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `Port ${port} is already in use: stop the program using it, or set PORT to another port.\n`,
    );
  });
});

describe("npm start with bad configuration", () => {
  it("explains a DATABASE_URL that is not a URL", async () => {
    const result = await startServer({ DATABASE_URL: "localhost:5432/portal", PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "DATABASE_URL must be a postgres:// URL, e.g. postgres://user@localhost:5432/portal.\n",
    );
  });

  it("explains a DATABASE_URL where nothing is listening", async () => {
    const closed = await freePort();
    const result = await startServer({ DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/portal`, PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Could not connect to PostgreSQL at 127.0.0.1:${closed}/portal (DATABASE_URL): connection refused, so no server is listening there.\n`,
    );
  });

  it("explains a data directory made by another PostgreSQL major version", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "portal-old-data-"));
    try {
      mkdirSync(path.join(dataDir, "postgres"));
      writeFileSync(path.join(dataDir, "postgres", "PG_VERSION"), "15\n");
      const result = await startServer({ DATABASE_URL: "", DATA_DIR: dataDir, PORT: String(await freePort()) });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `The data directory ${path.join(dataDir, "postgres")} was made by PostgreSQL 15, but the portal runs PostgreSQL 18: set DATA_DIR to a new folder, or upgrade the data with pg_upgrade.\n`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("explains a port held by another program", async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, "0.0.0.0", () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const result = await startServer({ PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`Port ${port} is already in use: stop the program using it, or set PORT to another port.\n`);
    } finally {
      blocker.close();
    }
  });
});

describe("npm start with its own embedded PostgreSQL", () => {
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it("keeps its data between runs and leaves no PostgreSQL running after Ctrl-C", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "portal-data-"));
    const env = { DATABASE_URL: "", DATA_DIR: dataDir, PORT: String(await freePort()) };
    const postgresPid = () => Number(readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    try {
      const first = await startRunningServer(env);
      expect(first.log()).toContain("Created the demo practice");
      const pid = postgresPid();
      expect(isAlive(pid)).toBe(true);
      await first.stop("SIGINT");
      expect(isAlive(pid)).toBe(false);

      const second = await startRunningServer(env);
      expect(second.log()).not.toContain("Created the demo practice");
      const html = await (await fetch(`http://localhost:${env.PORT}/`)).text();
      expect(html).toContain("Riverside Medical Practice");
      const secondPid = postgresPid();
      await second.stop("SIGTERM");
      expect(isAlive(secondPid)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
