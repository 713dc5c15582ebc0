import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { StartupError } from "../app/startup-error";

const SOURCES = ["app", "emails", "public", "vite.config.ts", "remix.config.js", "package-lock.json"];
export const SERVER_BUILD = path.resolve("build/server/index.js");

/** Builds the Remix app when there is no build or a source is newer than it. */
export function buildIfNeeded(log: (line: string) => void): void {
  const builtAt = existsSync(SERVER_BUILD) ? statSync(SERVER_BUILD).mtimeMs : 0;
  if (builtAt > 0 && newestChange(SOURCES) <= builtAt) return;
  log(builtAt ? "Sources changed since the last build: building the portal…" : "Building the portal (first run)…");
  const result = spawnSync("npm", ["run", "--silent", "build"], { stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new StartupError("The portal could not be built: see the messages above.");
}

function newestChange(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p)) visit(path.join(p, entry));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const p of paths) visit(p);
  return newest;
}
