import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  campaignStatus,
  letterKind,
  letterStatus,
  messageChannel,
  messageStatus,
  templateKey,
} from "./enums";
import { patients } from "./patients";
import { practices } from "./practices";
import { requests } from "./requests";
import { staffUsers } from "./staff";

export const campaigns = pgTable("campaigns", {
  id: uuid("id").primaryKey().defaultRandom(),
  practiceId: uuid("practice_id")
    .notNull()
    .references(() => practices.id),
  templateKey: templateKey("template_key").notNull(),
  status: campaignStatus("status").notNull().default("draft"),
  // Exclusions by reason, as counted when the cohort was computed.
  excluded: jsonb("excluded").$type<Record<string, number>>().notNull().default({}),
  createdBy: uuid("created_by").references(() => staffUsers.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  // Who queued it for sending, and whether it may send outside sending hours.
  queuedBy: uuid("queued_by").references(() => staffUsers.id),
  ignoreSendingHours: boolean("ignore_sending_hours").notNull().default(false),
  scheduledFor: timestamp("scheduled_for", { withTimezone: true }),
  startedAt: timestamp("started_at", { withTimezone: true }),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

// The outbox: every email or letter is a row before it is sent, so nothing
// is lost on a crash and a retry never sends twice.
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    campaignId: uuid("campaign_id").references(() => campaigns.id),
    requestId: uuid("request_id").references(() => requests.id),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id),
    channel: messageChannel("channel").notNull(),
    templateKey: templateKey("template_key").notNull(),
    // The content hash of the template the message was rendered from.
    templateVersion: text("template_version"),
    toAddress: text("to_address"),
    // Per-message values a template needs beyond the patient's own (a request's reference, a date).
    variables: jsonb("variables").$type<Record<string, string>>().notNull().default({}),
    status: messageStatus("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    claimedBy: text("claimed_by"),
    smtpMessageId: text("smtp_message_id"),
    failureReason: text("failure_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("messages_campaign_patient")
      .on(t.campaignId, t.patientId)
      .where(sql`${t.campaignId} is not null`),
    index("messages_claimable").on(t.status, t.nextAttemptAt),
  ],
);

// A message's personal link (/r/<token>): only the token's hash is kept. One
// per message; a resend replaces the hash, so only the latest link works.
export const personalLinks = pgTable(
  "personal_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id),
    messageId: uuid("message_id")
      .notNull()
      .unique()
      .references(() => messages.id),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("personal_links_patient").on(t.patientId)],
);

// Outbox workers alive, by heartbeat: a claim whose worker has gone quiet is
// marked unknown, never silently sent again.
export const outboxWorkers = pgTable("outbox_workers", {
  id: text("id").primaryKey(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
});

// What the development mail catcher received: never used in production.
export const devMail = pgTable(
  "dev_mail",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    envelopeFrom: text("envelope_from"),
    envelopeTo: text("envelope_to").array().notNull(),
    messageIdHeader: text("message_id_header"),
    subject: text("subject"),
    source: text("source").notNull(),
  },
  (t) => [index("dev_mail_message_id").on(t.messageIdHeader)],
);

// One PDF of letters, as staff produced it and later marked printed.
export const letterBatches = pgTable(
  "letter_batches",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    kind: letterKind("kind").notNull(),
    // A campaign's "needs a letter" patients, or (null) letters staff chose.
    campaignId: uuid("campaign_id").references(() => campaigns.id),
    templateKey: templateKey("template_key"),
    letterCount: integer("letter_count").notNull(),
    producedBy: uuid("produced_by").references(() => staffUsers.id),
    producedAt: timestamp("produced_at", { withTimezone: true }).notNull().defaultNow(),
    printedBy: uuid("printed_by").references(() => staffUsers.id),
    printedAt: timestamp("printed_at", { withTimezone: true }),
  },
  (t) => [index("letter_batches_practice_produced").on(t.practiceId, t.producedAt)],
);

// Printed letters. Registration keys are never stored: only that a letter
// was produced, for whom and by whom.
export const letters = pgTable(
  "letters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id),
    kind: letterKind("kind").notNull(),
    batchId: uuid("batch_id").references(() => letterBatches.id),
    messageId: uuid("message_id").references(() => messages.id),
    templateKey: templateKey("template_key"),
    largePrint: boolean("large_print").notNull().default(false),
    status: letterStatus("status").notNull().default("pending"),
    producedBy: uuid("produced_by").references(() => staffUsers.id),
    producedAt: timestamp("produced_at", { withTimezone: true }).notNull().defaultNow(),
    printedAt: timestamp("printed_at", { withTimezone: true }),
  },
  (t) => [index("letters_practice_status").on(t.practiceId, t.status), index("letters_batch").on(t.batchId)],
);
