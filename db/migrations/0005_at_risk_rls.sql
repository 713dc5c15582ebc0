-- At-risk reviews belong to a practice like every other patient row.
ALTER TABLE at_risk_reviews ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY at_risk_reviews_practice_isolation ON at_risk_reviews TO portal_app
  USING (practice_id = current_practice_id()) WITH CHECK (practice_id = current_practice_id());
