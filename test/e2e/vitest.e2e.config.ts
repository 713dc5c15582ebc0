import { defineConfig } from "vitest/config";

// End-to-end tests on their own: `npx vitest run --config test/e2e/vitest.e2e.config.ts`.
// The same settings belong in the main vitest.config.ts as an "e2e" project.
export default defineConfig({
  test: {
    name: "e2e",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/helpers/postgres-global-setup.ts"],
    setupFiles: ["test/helpers/fail-on-console-error.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each file starts a server and a browser, and may build the app into build/.
    fileParallelism: false,
  },
});
