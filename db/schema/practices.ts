import { sql } from "drizzle-orm";
import { check, date, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { clinicalSystem } from "./enums";

export const practices = pgTable(
  "practices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    odsCode: text("ods_code").notNull().unique(),
    name: text("name").notNull(),
    clinicalSystem: clinicalSystem("clinical_system").notNull(),
    // Before go-live a 106 recorded after a 104 is enough; after it, staff
    // change access by hand for patients who already have an online account.
    goLiveDate: date("go_live_date", { mode: "string" }),
    addressLine1: text("address_line_1"),
    addressLine2: text("address_line_2"),
    addressLine3: text("address_line_3"),
    addressLine4: text("address_line_4"),
    postcode: text("postcode"),
    phone: text("phone"),
    email: text("email"),
    website: text("website"),
    // Practice-set targets used by the review queue.
    queueTargetDays: integer("queue_target_days").notNull().default(14),
    actionOverdueDays: integer("action_overdue_days").notNull().default(7),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("practices_ods_code_format", sql`${t.odsCode} ~ '^[A-Z0-9]{3,8}$'`)],
);
