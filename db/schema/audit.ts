import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { practices } from "./practices";
import { staffUsers } from "./staff";

// Append-only, written in the same transaction as the change it records.
// Each row carries a hash of the previous one, so a quiet edit is detectable.
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    practiceId: uuid("practice_id").references(() => practices.id),
    actorId: uuid("actor_id").references(() => staffUsers.id),
    // "reception" | "clinician" | "manager" | "system" | "cli"
    actorRole: text("actor_role").notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type"),
    subjectId: text("subject_id"),
    summary: jsonb("summary").$type<Record<string, unknown>>().notNull().default({}),
    requestId: text("request_id"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    previousHash: text("previous_hash"),
    hash: text("hash").notNull(),
  },
  (t) => [index("audit_events_practice_occurred").on(t.practiceId, t.occurredAt)],
);
