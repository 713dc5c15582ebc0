import path from "node:path";
import { z } from "zod";
import { StartupError } from "./startup-error";

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    error: "must be true or false",
  })
  .transform((v) => v === "true" || v === "1" || v === "yes");

// Every environment variable the portal reads, parsed once at start-up.
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce
    .number({ error: "must be a port number" })
    .int()
    .min(0, { error: "must be a port number" })
    .max(65535, { error: "must be a port number" })
    .default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^\s]+$/, {
      error: "must be a postgres:// URL, e.g. postgres://user@localhost:5432/portal",
    })
    .optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  // Where people reach the portal: set-up links use it, and https:// makes
  // cookies Secure.
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, { error: "must be the portal's address, like https://portal.example.nhs.uk" })
    .optional(),
  // The demo practice is for someone trying the portal: on by default only
  // when the portal runs its own embedded database.
  DEMO_PRACTICE: flag.optional(),
});

export interface Env {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  secureCookies: boolean;
  demoPractice: boolean;
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const blankAsUnset = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = envSchema.safeParse(blankAsUnset);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new StartupError(`${issue.path.join(".")} ${issue.message}.`);
  }
  const e = result.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    secureCookies: (e.PUBLIC_URL ?? "").startsWith("https://"),
    demoPractice: e.DEMO_PRACTICE ?? e.DATABASE_URL === undefined,
  };
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
