import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
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
      .unique()
      .references(() => requests.id),
    patientId: uuid("patient_id").references(() => patients.id),
    outcome: decisionOutcome("outcome").notNull(),
    codeToEnter: accessCode("code_to_enter"),
    accessLevel: accessLevel("access_level").notNull(),
    identityMethod: identityMethod("identity_method").notNull(),
    counselledOn: date("counselled_on", { mode: "string" }),
    counsellingMethod: text("counselling_method"),
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
  },
  (t) => [index("decisions_patient").on(t.patientId)],
);
