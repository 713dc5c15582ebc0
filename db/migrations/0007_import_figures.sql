ALTER TABLE "imports" ADD COLUMN "eligible_count" integer;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "enhanced_review_count" integer;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "declined_count" integer;