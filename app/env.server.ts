import path from "node:path";
import { z } from "zod";
import { parseSendingHours, type SendingHours } from "./domain/sending-hours";
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
  // How many proxies stand in front and add X-Forwarded-For/-Host/-Proto. 0:
  // none, so those headers are the client's own words and are ignored (the
  // per-address sign-in and public-form limits would otherwise be theirs to set).
  TRUST_PROXY: z.coerce
    .number({ error: "must be the number of proxies in front of the portal, 0 if none" })
    .int({ error: "must be the number of proxies in front of the portal, 0 if none" })
    .min(0, { error: "must be the number of proxies in front of the portal, 0 if none" })
    .max(10, { error: "must be the number of proxies in front of the portal, 0 if none" })
    .default(0),
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
  // Outgoing mail. Without SMTP_URL nothing leaves the machine: mail goes to
  // a catcher inside the process, shown on the staff "Mail sent" page.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, { error: "must be an smtp:// or smtps:// URL, e.g. smtps://user:password@relay.example:465" })
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  // Messages a second at most, per worker (0: as fast as the server takes them).
  SMTP_RATE_LIMIT: z.coerce.number({ error: "must be a number of messages a second" }).min(0).default(50),
  SENDING_HOURS: z
    .string()
    .refine((v) => parseSendingHours(v) !== null, { error: "must be a daily window like 08:00-20:00" })
    .default("08:00-20:00"),
  // `npm start` runs the outbox worker too, unless told that workers run separately.
  WORKER: flag.optional(),
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(1).default(30_000),
  OUTBOX_RETRY_MAX_MS: z.coerce.number().int().min(1).default(30 * 60_000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  OUTBOX_STALE_AFTER_MS: z.coerce.number().int().min(1000).default(60_000),
});

export interface Env {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  /** Proxies in front whose X-Forwarded-* headers are believed (Express's "trust proxy"). */
  trustProxy: number;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  secureCookies: boolean;
  demoPractice: boolean;
  mail: MailSettings;
}

export interface MailSettings {
  smtpUrl: string | undefined;
  from: string;
  rateLimit: number;
  sendingHours: SendingHours;
  runWorkerInProcess: boolean;
  retry: { baseMs: number; maxMs: number; maxAttempts: number };
  staleAfterMs: number;
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
    trustProxy: e.TRUST_PROXY,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    secureCookies: (e.PUBLIC_URL ?? "").startsWith("https://"),
    demoPractice: e.DEMO_PRACTICE ?? e.DATABASE_URL === undefined,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? `GP online access <no-reply@${new URL(e.PUBLIC_URL ?? "http://localhost").hostname}>`,
      rateLimit: e.SMTP_RATE_LIMIT,
      sendingHours: parseSendingHours(e.SENDING_HOURS)!,
      runWorkerInProcess: e.WORKER ?? true,
      retry: { baseMs: e.OUTBOX_RETRY_BASE_MS, maxMs: e.OUTBOX_RETRY_MAX_MS, maxAttempts: e.OUTBOX_MAX_ATTEMPTS },
      staleAfterMs: e.OUTBOX_STALE_AFTER_MS,
    },
  };
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
