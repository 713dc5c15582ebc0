import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, unique, uuid, uniqueIndex } from "drizzle-orm/pg-core";
import { staffRole, staffStatus } from "./enums";
import { practices } from "./practices";

export const staffUsers = pgTable(
  "staff_users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    totpSecret: text("totp_secret"),
    totpEnrolledAt: timestamp("totp_enrolled_at", { withTimezone: true }),
    status: staffStatus("status").notNull().default("invited"),
    passwordChangedAt: timestamp("password_changed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // One account per address, whatever the case it was typed in.
  (t) => [uniqueIndex("staff_users_email_lower").on(sql`lower(${t.email})`)],
);

// A person may work for several practices (PCN or ICB hosting), with one
// role in each.
export const staffMemberships = pgTable(
  "staff_memberships",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    staffUserId: uuid("staff_user_id")
      .notNull()
      .references(() => staffUsers.id),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    role: staffRole("role").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("staff_memberships_user_practice").on(t.staffUserId, t.practiceId)],
);
