import { pgEnum, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { AT_RISK_OUTCOMES } from "../../app/domain/at-risk-review";
import { patients } from "./patients";
import { practices } from "./practices";
import { staffUsers } from "./staff";

export const atRiskOutcome = pgEnum("at_risk_outcome", AT_RISK_OUTCOMES);

// The current review of each patient with an active 104: one row per
// patient, changed in place. The history of changes is the audit trail
// ("at-risk.reviewed"), written in the same transaction.
export const atRiskReviews = pgTable(
  "at_risk_reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id),
    outcome: atRiskOutcome("outcome").notNull(),
    reviewedBy: uuid("reviewed_by")
      .notNull()
      .references(() => staffUsers.id),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }).notNull().defaultNow(),
    note: text("note"),
  },
  (t) => [unique("at_risk_reviews_patient").on(t.patientId)],
);
