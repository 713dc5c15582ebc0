import { defineConfig } from "vitest/config";

// Two projects: pure unit tests, and integration tests that need a real
// PostgreSQL (embedded, or the server named by DATABASE_URL).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          setupFiles: ["test/helpers/fail-on-console-error.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/helpers/postgres-global-setup.ts"],
          setupFiles: ["test/helpers/fail-on-console-error.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Headless Chromium (Debian's package) against the built app.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/helpers/postgres-global-setup.ts"],
          setupFiles: ["test/helpers/fail-on-console-error.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
