ALTER TYPE "public"."decision_outcome" ADD VALUE 'outside-service';--> statement-breakpoint
ALTER TYPE "public"."message_status" ADD VALUE 'cancelled';--> statement-breakpoint
ALTER TYPE "public"."template_key" ADD VALUE 'outcome-opt-out-keep-appointments';--> statement-breakpoint
ALTER TYPE "public"."template_key" ADD VALUE 'outcome-outside-service';--> statement-breakpoint
ALTER TABLE "decisions" DROP CONSTRAINT "decisions_request_id_unique";--> statement-breakpoint
ALTER TABLE "decisions" ALTER COLUMN "access_level" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "access_level_reason" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "opt_out_scope" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "had_active_104" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "patient_state" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "counselling_held_by" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "counselling_note" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "outcome_message_id" uuid;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "superseded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "superseded_by" uuid;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "superseded_reason" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "legacy" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "had_active_104" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Decisions from before are kept exactly as recorded, outside the new checks.
UPDATE "decisions" SET "legacy" = true;--> statement-breakpoint
-- A request about a patient with any 104 on record is treated as one whose messages need private
-- contact details: the cautious reading, as the history of each request was not kept.
UPDATE "requests" r SET "had_active_104" = true
  WHERE EXISTS (SELECT 1 FROM "coded_entries" c WHERE c."patient_id" = r."patient_id" AND c."code" = '104');--> statement-breakpoint
UPDATE "decisions" d SET "had_active_104" = r."had_active_104" FROM "requests" r WHERE r."id" = d."request_id";--> statement-breakpoint
-- What each earlier decision told the patient, so that its request page shows it.
UPDATE "decisions" d SET "outcome_message_id" = (
  SELECT m."id" FROM "messages" m
  WHERE m."request_id" = d."request_id" AND m."template_key"::text LIKE 'outcome-%'
  ORDER BY m."created_at" DESC, m."id" DESC LIMIT 1
);--> statement-breakpoint
-- Only the migration marks a decision legacy: no later insert or update may step outside the checks.
CREATE FUNCTION "decisions_refuse_new_legacy"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."legacy" AND (TG_OP = 'INSERT' OR NOT OLD."legacy") THEN
    RAISE EXCEPTION 'a decision recorded now cannot be marked legacy' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "decisions_refuse_new_legacy" BEFORE INSERT OR UPDATE OF "legacy" ON "decisions"
  FOR EACH ROW EXECUTE FUNCTION "decisions_refuse_new_legacy"();--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_superseded_by_staff_users_id_fk" FOREIGN KEY ("superseded_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_request_current" ON "decisions" USING btree ("request_id") WHERE "decisions"."superseded_at" is null;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_outcome_code_level" CHECK ("decisions"."legacy"
        or ("decisions"."outcome"::text = 'granted' and coalesce("decisions"."code_to_enter"::text, '106') = '106' and "decisions"."access_level"::text = 'prospective-record')
        or ("decisions"."outcome"::text = 'withheld' and coalesce("decisions"."code_to_enter"::text, '104') = '104' and "decisions"."access_level"::text in ('none', 'appointments-and-prescriptions') and "decisions"."reason" is not null)
        or ("decisions"."outcome"::text = 'opt-out-recorded' and coalesce("decisions"."code_to_enter"::text, '103') = '103' and "decisions"."access_level"::text in ('none', 'appointments-and-prescriptions'))
        or ("decisions"."outcome"::text in ('rejected-unverified', 'outside-service') and "decisions"."code_to_enter" is null and "decisions"."access_level" is null));--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_at_risk_grant_counselled" CHECK ("decisions"."legacy" or not ("decisions"."outcome"::text = 'granted' and "decisions"."had_active_104")
        or ("decisions"."counselled_on" is not null and "decisions"."counselling_method" in ('in-person', 'phone', 'video') and "decisions"."counselling_held_by" is not null and "decisions"."counselling_note" is not null));