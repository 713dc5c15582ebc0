import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { accessCode, codedEntrySource, registrationStatus } from "./enums";
import { practices } from "./practices";

export const patients = pgTable(
  "patients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    nhsNumber: text("nhs_number").notNull(),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    dateOfBirth: date("date_of_birth", { mode: "string" }).notNull(),
    addressLine1: text("address_line_1"),
    addressLine2: text("address_line_2"),
    addressLine3: text("address_line_3"),
    addressLine4: text("address_line_4"),
    postcode: text("postcode"),
    email: text("email"),
    mobile: text("mobile"),
    // Messages to patients who may be at risk go only to contact details
    // the practice has marked as private to the patient.
    contactIsPrivate: boolean("contact_is_private").notNull().default(false),
    deceased: boolean("deceased").notNull().default(false),
    onlineAccount: boolean("online_account").notNull().default(false),
    largePrint: boolean("large_print").notNull().default(false),
    registration: registrationStatus("registration").notNull().default("registered"),
    // Which import last changed this patient. Provenance only, with no
    // foreign key: imports are never deleted, and a key check per row is the
    // largest single cost of a bulk import (docs/decisions/0006).
    lastImportId: uuid("last_import_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("patients_practice_nhs_number").on(t.practiceId, t.nhsNumber),
    index("patients_practice_family_name").on(t.practiceId, t.familyName),
    check("patients_nhs_number_digits", sql`${t.nhsNumber} ~ '^[0-9]{10}$'`),
  ],
);

// The 104/106/103 entries from the latest clinical-system export. An entry
// recorded with only a date has recorded_at null: the domain then compares
// it by day, and a same-day 104 and 106 is a conflict, never a guess.
export const codedEntries = pgTable(
  "coded_entries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // No key of its own: row-level security checks it is the acting
    // practice, and the patient key ties the entry to a patient.
    practiceId: uuid("practice_id").notNull(),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id, { onDelete: "cascade" }),
    code: accessCode("code").notNull(),
    recordedOn: date("recorded_on", { mode: "string" }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }),
    source: codedEntrySource("source").notNull(),
    /** Provenance only, like patients.last_import_id. */
    importId: uuid("import_id"),
  },
  (t) => [index("coded_entries_patient").on(t.patientId)],
);
