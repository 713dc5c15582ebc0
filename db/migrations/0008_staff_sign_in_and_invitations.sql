CREATE TYPE "public"."setup_link_purpose" AS ENUM('invitation', 'reset');--> statement-breakpoint
ALTER TYPE "public"."session_stage" ADD VALUE 'authenticator-enrolled' BEFORE 'signed-in';--> statement-breakpoint
ALTER TABLE "staff_memberships" ADD COLUMN "accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_memberships" ADD COLUMN "invited_name" text;--> statement-breakpoint
ALTER TABLE "staff_memberships" ADD COLUMN "invited_email" text;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD COLUMN "totp_pending_secret" text;--> statement-breakpoint
ALTER TABLE "staff_setup_tokens" ADD COLUMN "practice_id" uuid;--> statement-breakpoint
ALTER TABLE "staff_setup_tokens" ADD COLUMN "purpose" "setup_link_purpose" DEFAULT 'invitation' NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_setup_tokens" ADD CONSTRAINT "staff_setup_tokens_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Memberships of people who have set up their account were accepted by using them.
UPDATE "staff_memberships" m SET "accepted_at" = m."created_at"
  FROM "staff_users" u WHERE u."id" = m."staff_user_id" AND u."password_hash" IS NOT NULL;--> statement-breakpoint
-- A link made before links were bound to a practice belongs to the person's first practice.
UPDATE "staff_setup_tokens" t SET "practice_id" = (
  SELECT m."practice_id" FROM "staff_memberships" m WHERE m."staff_user_id" = t."staff_user_id" ORDER BY m."created_at" LIMIT 1
);
