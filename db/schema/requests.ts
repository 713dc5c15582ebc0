import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
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
  accessCode,
  accessLevel,
  decisionOutcome,
  identityMatch,
  identityMethod,
  requestChannel,
  requestKind,
  requestState,
} from "./enums";
import { imports } from "./imports";
import { patients } from "./patients";
import { practices } from "./practices";
import { staffUsers } from "./staff";

// A patient's request. Further submissions of the same kind while it is open
// join it (request_submissions keeps each one verbatim).
export const requests = pgTable(
  "requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    reference: text("reference").notNull().unique(),
    kind: requestKind("kind").notNull(),
    state: requestState("state").notNull().default("received"),
    // Null until identity is confirmed: nothing is applied on a partial match.
    patientId: uuid("patient_id").references(() => patients.id),
    identityMatch: identityMatch("identity_match").notNull(),
    channel: requestChannel("channel").notNull(),
    // Staff who took a request by phone, on paper or at the desk.
    enteredBy: uuid("entered_by").references(() => staffUsers.id),
    // Set when the patient had an active 104 when the request arrived or at any step since, and
    // never cleared: it decides who may grant access and which contact details may be used.
    hadActive104: boolean("had_active_104").notNull().default(false),
    assignedTo: uuid("assigned_to").references(() => staffUsers.id),
    // Optimistic locking: two staff can never both move one request.
    version: integer("version").notNull().default(1),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [
    index("requests_practice_state_received").on(t.practiceId, t.state, t.receivedAt),
    index("requests_patient").on(t.patientId),
  ],
);

export const requestSubmissions = pgTable(
  "request_submissions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    requestId: uuid("request_id")
      .notNull()
      .references(() => requests.id),
    // Exactly what the patient (or staff on their behalf) entered.
    answers: jsonb("answers").$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("request_submissions_request").on(t.requestId)],
);

export const decisions = pgTable(
  "decisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    requestId: uuid("request_id")
      .notNull()
      .references(() => requests.id),
    patientId: uuid("patient_id").references(() => patients.id),
    outcome: decisionOutcome("outcome").notNull(),
    // Derived by app/domain/access-decision.ts; null for an outcome that changes nothing.
    codeToEnter: accessCode("code_to_enter"),
    accessLevel: accessLevel("access_level"),
    // Why a clinician chose a level other than the derived one.
    accessLevelReason: text("access_level_reason"),
    identityMethod: identityMethod("identity_method").notNull(),
    // What the patient asked for, when the request was an opt-out.
    optOutScope: text("opt_out_scope"),
    hadActive104: boolean("had_active_104").notNull().default(false),
    // The patient's access state when decided: what the code and level were derived from.
    patientState: text("patient_state"),
    counselledOn: date("counselled_on", { mode: "string" }),
    counsellingMethod: text("counselling_method"),
    counsellingHeldBy: text("counselling_held_by"),
    counsellingNote: text("counselling_note"),
    // Why access was withheld.
    reason: text("reason"),
    notes: text("notes"),
    decidedBy: uuid("decided_by")
      .notNull()
      .references(() => staffUsers.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
    actionedBy: uuid("actioned_by").references(() => staffUsers.id),
    actionedAt: timestamp("actioned_at", { withTimezone: true }),
    // Set when a later import shows the code this decision asked for.
    confirmedByImportId: uuid("confirmed_by_import_id").references(() => imports.id),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    patientToldAt: timestamp("patient_told_at", { withTimezone: true }),
    needsClinicalSystemStep: boolean("needs_clinical_system_step").notNull().default(true),
    // The message that tells the patient this outcome, once it is true.
    outcomeMessageId: uuid("outcome_message_id"),
    // A decision corrected by reopening the request stays, marked superseded.
    supersededAt: timestamp("superseded_at", { withTimezone: true }),
    supersededBy: uuid("superseded_by").references(() => staffUsers.id),
    supersededReason: text("superseded_reason"),
    // Recorded before the portal derived codes and levels (migration 0009): kept exactly as it was,
    // outside the checks below.
    legacy: boolean("legacy").notNull().default(false),
  },
  (t) => [
    index("decisions_patient").on(t.patientId),
    // One decision in force per request; superseded ones stay as history.
    uniqueIndex("decisions_request_current").on(t.requestId).where(sql`${t.supersededAt} is null`),
    // The same rules as app/domain/access-decision.ts, so that no contradictory decision can be
    // stored whatever code writes it.
    check(
      "decisions_outcome_code_level",
      sql`${t.legacy}
        or (${t.outcome}::text = 'granted' and coalesce(${t.codeToEnter}::text, '106') = '106' and ${t.accessLevel}::text = 'prospective-record')
        or (${t.outcome}::text = 'withheld' and coalesce(${t.codeToEnter}::text, '104') = '104' and ${t.accessLevel}::text in ('none', 'appointments-and-prescriptions') and ${t.reason} is not null)
        or (${t.outcome}::text = 'opt-out-recorded' and coalesce(${t.codeToEnter}::text, '103') = '103' and ${t.accessLevel}::text in ('none', 'appointments-and-prescriptions'))
        or (${t.outcome}::text in ('rejected-unverified', 'outside-service') and ${t.codeToEnter} is null and ${t.accessLevel} is null)`,
    ),
    check(
      "decisions_at_risk_grant_counselled",
      sql`${t.legacy} or not (${t.outcome}::text = 'granted' and ${t.hadActive104})
        or (${t.counselledOn} is not null and ${t.counsellingMethod} in ('in-person', 'phone', 'video') and ${t.counsellingHeldBy} is not null and ${t.counsellingNote} is not null)`,
    ),
  ],
);
