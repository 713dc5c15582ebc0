CREATE TYPE "public"."at_risk_outcome" AS ENUM('confirmed-at-risk', 'not-at-risk', 'to-discuss');--> statement-breakpoint
CREATE TABLE "at_risk_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practice_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"outcome" "at_risk_outcome" NOT NULL,
	"reviewed_by" uuid NOT NULL,
	"reviewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text,
	CONSTRAINT "at_risk_reviews_patient" UNIQUE("patient_id")
);
--> statement-breakpoint
ALTER TABLE "at_risk_reviews" ADD CONSTRAINT "at_risk_reviews_practice_id_practices_id_fk" FOREIGN KEY ("practice_id") REFERENCES "public"."practices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "at_risk_reviews" ADD CONSTRAINT "at_risk_reviews_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "at_risk_reviews" ADD CONSTRAINT "at_risk_reviews_reviewed_by_staff_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;