-- Tenancy and the audit trail, enforced by PostgreSQL itself underneath the
-- application's own checks (docs/decisions/0004-tenancy-and-audit.md).

-- The role the application runs as: no ownership, so row-level security
-- applies to it. Roles are cluster-wide; several databases may share one.
DO $$
BEGIN
  CREATE ROLE portal_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT portal_app TO %I', current_user);
EXCEPTION WHEN others THEN NULL; -- already a member, or a superuser
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO portal_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portal_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO portal_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO portal_app;
--> statement-breakpoint

-- The practice a transaction acts for, set by withPractice(); unset means none.
CREATE FUNCTION current_practice_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('app.practice_id', true), '')::uuid
$$;
--> statement-breakpoint

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'patients', 'coded_entries', 'imports', 'requests', 'request_submissions',
    'decisions', 'campaigns', 'messages', 'letters'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY %I ON %I TO portal_app USING (practice_id = current_practice_id()) WITH CHECK (practice_id = current_practice_id())',
      t || '_practice_isolation', t
    );
  END LOOP;
END $$;
--> statement-breakpoint

-- The audit trail: append-only for everyone, hash-chained per practice (rows
-- with no practice form a chain of their own).
CREATE INDEX audit_events_chain ON audit_events (practice_id, id);
--> statement-breakpoint
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_events_read_own_practice ON audit_events FOR SELECT TO portal_app
  USING (practice_id = current_practice_id());
--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_events FROM portal_app;
--> statement-breakpoint
CREATE FUNCTION refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
--> statement-breakpoint

-- What each row's hash covers, in one fixed text form. Used both to write
-- and to verify, so the two can never disagree.
CREATE FUNCTION audit_event_hash(
  previous_hash text, practice_id uuid, actor_id uuid, actor_role text, action text,
  subject_type text, subject_id text, summary jsonb, request_id text, occurred_at timestamptz
) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\x1f',
    coalesce(previous_hash, ''), coalesce(practice_id::text, ''), coalesce(actor_id::text, ''),
    actor_role, action, coalesce(subject_type, ''), coalesce(subject_id, ''), summary::text,
    coalesce(request_id, ''),
    to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  ), 'UTF8')), 'hex')
$$;
--> statement-breakpoint

-- The only way in: takes the chain's lock, links to its last row, and
-- inserts. SECURITY DEFINER so it can read the chain whatever the caller's
-- practice; it writes nothing else.
CREATE FUNCTION append_audit_event(
  p_practice_id uuid, p_actor_id uuid, p_actor_role text, p_action text,
  p_subject_type text, p_subject_id text, p_summary jsonb, p_request_id text
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_previous text;
  v_at timestamptz := clock_timestamp();
  v_id bigint;
BEGIN
  IF p_practice_id IS NOT NULL AND current_practice_id() IS NOT NULL
     AND p_practice_id <> current_practice_id() THEN
    RAISE EXCEPTION 'an audit event for another practice than the one acted for';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('audit:' || coalesce(p_practice_id::text, 'none')));
  -- Two plain queries rather than IS NOT DISTINCT FROM, so each uses the index.
  IF p_practice_id IS NULL THEN
    SELECT hash INTO v_previous FROM audit_events WHERE practice_id IS NULL ORDER BY id DESC LIMIT 1;
  ELSE
    SELECT hash INTO v_previous FROM audit_events WHERE practice_id = p_practice_id ORDER BY id DESC LIMIT 1;
  END IF;
  INSERT INTO audit_events (practice_id, actor_id, actor_role, action, subject_type, subject_id,
                            summary, request_id, occurred_at, previous_hash, hash)
  VALUES (p_practice_id, p_actor_id, p_actor_role, p_action, p_subject_type, p_subject_id,
          coalesce(p_summary, '{}'::jsonb), p_request_id, v_at, v_previous,
          audit_event_hash(v_previous, p_practice_id, p_actor_id, p_actor_role, p_action,
                           p_subject_type, p_subject_id, coalesce(p_summary, '{}'::jsonb),
                           p_request_id, v_at))
  RETURNING id INTO v_id;
  RETURN v_id;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION append_audit_event(uuid, uuid, text, text, text, text, jsonb, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION append_audit_event(uuid, uuid, text, text, text, text, jsonb, text) TO portal_app;
