import { integer, jsonb, pgTable, text, timestamp, uuid, index } from "drizzle-orm/pg-core";
import { importFormat, importStatus } from "./enums";
import { practices } from "./practices";
import { staffUsers } from "./staff";

export interface ImportIssue {
  row: number;
  field: string;
  message: string;
}

// One row per clinical-system export that was previewed or applied.
export const imports = pgTable(
  "imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    practiceId: uuid("practice_id")
      .notNull()
      .references(() => practices.id),
    // Null when the import was run from the command line.
    importedBy: uuid("imported_by").references(() => staffUsers.id),
    fileName: text("file_name").notNull(),
    fileSha256: text("file_sha256").notNull(),
    format: importFormat("format").notNull(),
    status: importStatus("status").notNull(),
    inserted: integer("inserted").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    unchanged: integer("unchanged").notNull().default(0),
    deregistered: integer("deregistered").notNull().default(0),
    rejected: jsonb("rejected").$type<ImportIssue[]>().notNull().default([]),
    warnings: jsonb("warnings").$type<ImportIssue[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    committedAt: timestamp("committed_at", { withTimezone: true }),
    // The list's figures just after this import, for the trend (issue 9): access states are
    // derived from the latest import, so an earlier list's cannot be worked out later.
    eligibleCount: integer("eligible_count"),
    enhancedReviewCount: integer("enhanced_review_count"),
    declinedCount: integer("declined_count"),
  },
  (t) => [index("imports_practice_created").on(t.practiceId, t.createdAt)],
);
