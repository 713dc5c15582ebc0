import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "node_modules/", "public/assets/", ".data/", "db/migrations/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  {
    // The domain is pure: no I/O, no environment, nothing from the app around it.
    files: ["app/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["node:*", "../*", "*.server", "drizzle-orm*", "postgres", "@remix-run/*"] },
      ],
      "no-restricted-globals": ["error", "process", "fetch"],
    },
  },
  {
    // Routes stay thin: route → service → model → db.
    files: ["app/routes/**/*.tsx", "app/routes/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["**/db/*", "**/models/*", "drizzle-orm*", "postgres"] },
      ],
    },
  },
);
