CREATE TABLE "letter_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practice_id" uuid NOT NULL,
	"kind" "letter_kind" NOT NULL,
	"campaign_id" uuid,
	"template_key" "template_key",
	"letter_count" integer NOT NULL,
	"produced_by" uuid,
	"produced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"printed_by" uuid,
	"printed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "letters" ADD COLUMN "batch_id" uuid;--> statement-breakpoint
ALTER TABLE "letters" ADD COLUMN "template_key" "template_key";--> statement-breakpoint
ALTER TABLE "letter_batches" ADD CONSTRAINT "letter_batches_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_batches" ADD CONSTRAINT "letter_batches_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_batches" ADD CONSTRAINT "letter_batches_produced_by_staff_users_id_fk" FOREIGN KEY ("produced_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_batches" ADD CONSTRAINT "letter_batches_printed_by_staff_users_id_fk" FOREIGN KEY ("printed_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "letter_batches_practice_produced" ON "letter_batches" USING btree ("practice_id","produced_at");--> statement-breakpoint
ALTER TABLE "letters" ADD CONSTRAINT "letters_batch_id_letter_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."letter_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "letters_batch" ON "letters" USING btree ("batch_id");--> statement-breakpoint
-- Letter batches belong to a practice like every other patient row.
ALTER TABLE letter_batches ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY letter_batches_practice_isolation ON letter_batches TO portal_app
  USING (practice_id = current_practice_id()) WITH CHECK (practice_id = current_practice_id());
