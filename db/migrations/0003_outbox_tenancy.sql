-- Personal links belong to a practice like every other patient row.
ALTER TABLE personal_links ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY personal_links_practice_isolation ON personal_links TO portal_app
  USING (practice_id = current_practice_id()) WITH CHECK (practice_id = current_practice_id());
--> statement-breakpoint

-- The outbox worker serves every practice, but sends each practice's mail in
-- a transaction acting for that practice, under row-level security. These
-- functions are the only questions it asks across practices; they return ids
-- and counts, never patient data.

-- Practices with email due now. Campaign mail waits for its campaign to be
-- sending, and for sending hours unless the campaign was told not to.
CREATE FUNCTION outbox_due_practices(within_sending_hours boolean) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT m.practice_id
  FROM messages m LEFT JOIN campaigns c ON c.id = m.campaign_id
  WHERE m.channel = 'email' AND m.status = 'queued' AND m.next_attempt_at <= now()
    AND (m.campaign_id IS NULL OR (c.status = 'sending' AND (within_sending_hours OR c.ignore_sending_hours)))
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION outbox_due_practices(boolean) TO portal_app;
--> statement-breakpoint

-- A claim whose worker stopped sending heartbeats may or may not have been
-- sent: it becomes 'unknown' for staff to resend by hand, never sent again
-- silently. Also starts scheduled campaigns that are due, and finishes
-- campaigns with no email left to send. Returns how many claims it gave up.
CREATE FUNCTION outbox_housekeeping(stale_after interval) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  abandoned integer;
BEGIN
  DELETE FROM outbox_workers w WHERE w.heartbeat_at < now() - stale_after;
  UPDATE messages m SET status = 'unknown',
    failure_reason = 'The worker sending this message stopped before it knew whether the mail server accepted it.'
  WHERE m.status = 'sending'
    AND NOT EXISTS (SELECT 1 FROM outbox_workers w WHERE w.id = m.claimed_by);
  GET DIAGNOSTICS abandoned = ROW_COUNT;

  UPDATE campaigns SET status = 'sending', started_at = now()
  WHERE status = 'scheduled' AND scheduled_for <= now();

  UPDATE campaigns c SET status = 'finished', finished_at = now()
  WHERE c.status = 'sending'
    AND NOT EXISTS (
      SELECT 1 FROM messages m
      WHERE m.campaign_id = c.id AND m.channel = 'email' AND m.status IN ('queued', 'sending')
    );
  RETURN abandoned;
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION outbox_housekeeping(interval) TO portal_app;
--> statement-breakpoint

-- A patient following a personal link has not said which practice they are
-- with: the link's hash finds it, and nothing else.
CREATE FUNCTION find_personal_link(hash text)
RETURNS TABLE (practice_id uuid, patient_id uuid, message_id uuid, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT l.practice_id, l.patient_id, l.message_id, l.expires_at FROM personal_links l WHERE l.token_hash = hash
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION find_personal_link(text) TO portal_app;
--> statement-breakpoint

-- A claim reads a practice's queued email oldest first and stops at its
-- batch: in index order, without sorting the whole queue each time.
CREATE INDEX messages_practice_queued ON messages (practice_id, next_attempt_at) WHERE channel = 'email' AND status = 'queued';
--> statement-breakpoint
CREATE INDEX messages_campaign_status ON messages (campaign_id, status) WHERE campaign_id IS NOT NULL;
--> statement-breakpoint

-- The command line names a campaign by id alone: this finds its practice.
CREATE FUNCTION campaign_practice_id(campaign uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.practice_id FROM campaigns c WHERE c.id = campaign
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION campaign_practice_id(uuid) TO portal_app;
