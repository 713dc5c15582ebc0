// nhsuk-frontend's CSS refers to /assets/images/…: copy those images into
// public/ at build time rather than committing copies of them.
import { cpSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const frontend = path.dirname(require.resolve("nhsuk-frontend/package.json"));
cpSync(path.join(frontend, "dist/nhsuk/assets/images"), "public/assets/images", { recursive: true });
