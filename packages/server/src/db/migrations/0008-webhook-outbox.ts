import { type Kysely, sql } from 'kysely';

// The outbox of session events: one row per event and webhook endpoint, written by the same
// statement that makes the change (a crash between the change and its delivery loses nothing).
// `webhook_endpoints` is the configured WEBHOOK_URL list, kept by the servers; with none active,
// the statements that write events insert nothing. The event data is built here in SQL, once,
// so the app's statements and the pg_cron cleanup function write the same payload.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      url text PRIMARY KEY,
      active boolean NOT NULL DEFAULT true
    )`.execute(db);
  await sql`
    CREATE TABLE webhook_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      message_id text NOT NULL,
      endpoint text NOT NULL,
      ordering_key text NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      finished_at timestamptz,
      last_error text
    )`.execute(db);
  // Due work, oldest first; the earlier pending events of one session on one endpoint; pruning.
  await sql`CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE state = 'pending'`.execute(
    db,
  );
  await sql`
    CREATE INDEX webhook_outbox_queue ON webhook_outbox (endpoint, ordering_key, id)
    WHERE state = 'pending'`.execute(db);
  await sql`CREATE INDEX webhook_outbox_finished ON webhook_outbox (finished_at) WHERE state <> 'pending'`.execute(
    db,
  );

  await sql`
    CREATE FUNCTION tenure_iso(at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    $$`.execute(db);
  await sql`
    CREATE FUNCTION tenure_session_event_data(
      user_id text, session_id uuid, device_type text, device_name text, browser text, os text,
      ip_address text, location text
    ) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
      SELECT jsonb_build_object(
        'userId', user_id,
        'sessionId', session_id,
        'device', jsonb_build_object('type', device_type, 'name', device_name, 'browser', browser, 'os', os),
        'ipAddress', ip_address,
        'location', location)
    $$`.execute(db);
  // Why and when a session ended, and when its last access token expires. An expired session
  // ended at the first of its two expiries (however much later that was noticed), and no access
  // token of it outlives that instant.
  await sql`
    CREATE FUNCTION tenure_session_ended_data(
      reason text, at timestamptz, expires_at timestamptz, last_active timestamptz,
      idle interval, token_ttl interval
    ) RETURNS jsonb LANGUAGE sql STABLE AS $$
      SELECT CASE WHEN reason = 'expired'
        THEN jsonb_build_object('reason', reason, 'endedAt', tenure_iso(e), 'tokensValidUntil', tenure_iso(e))
        ELSE jsonb_build_object('reason', reason, 'endedAt', tenure_iso(at),
          'tokensValidUntil', tenure_iso(LEAST(at + token_ttl, expires_at)))
      END
      FROM (SELECT LEAST(at, expires_at, last_active + idle) AS e) AS expiry
    $$`.execute(db);

  // The pg_cron function now announces what it deletes unobserved, as the app's cleanup does.
  await sql`DROP FUNCTION IF EXISTS cleanup_expired_sessions(double precision, double precision, integer, timestamptz)`.execute(
    db,
  );
  await sql`
    CREATE FUNCTION cleanup_expired_sessions(
      inactivity_minutes double precision DEFAULT 15,
      retention_days double precision DEFAULT 90,
      batch_size integer DEFAULT 5000,
      at timestamptz DEFAULT now()
    ) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      idle interval := make_interval(secs => inactivity_minutes * 60);
      cutoff timestamptz := at - make_interval(secs => retention_days * 86400);
      idle_cutoff timestamptz := cutoff - idle;
      total integer := 0;
      n integer;
    BEGIN
      LOOP
        WITH ended AS (
          SELECT session_id FROM user_sessions WHERE is_revoked AND revoked_at < cutoff
          ORDER BY revoked_at LIMIT batch_size FOR UPDATE SKIP LOCKED
        ), absolute AS (
          SELECT session_id FROM user_sessions WHERE NOT is_revoked AND expires_at < cutoff
          ORDER BY expires_at LIMIT batch_size FOR UPDATE SKIP LOCKED
        ), idle AS (
          SELECT session_id FROM user_sessions WHERE NOT is_revoked AND last_active < idle_cutoff
          ORDER BY last_active LIMIT batch_size FOR UPDATE SKIP LOCKED
        ), picked AS (
          SELECT session_id FROM ended UNION SELECT session_id FROM absolute
          UNION SELECT session_id FROM idle LIMIT batch_size
        ), deleted AS (
          DELETE FROM user_sessions WHERE session_id = ANY (ARRAY(SELECT session_id FROM picked))
          RETURNING *
        ), announced AS (
          INSERT INTO webhook_outbox (message_id, endpoint, ordering_key, type, data, created_at, next_attempt_at)
          SELECT 'msg_' || md5('session.ended:' || d.session_id::text || ':' || tenure_iso(at)),
            e.url, d.session_id::text, 'session.ended',
            tenure_session_event_data(d.user_id, d.session_id, d.device_type, d.device_name, d.browser,
              d.os, d.ip_address, d.location)
              || tenure_session_ended_data('expired', at, d.expires_at, d.last_active, idle, interval '0'),
            at, at
          FROM deleted AS d CROSS JOIN webhook_endpoints AS e
          WHERE NOT d.is_revoked AND e.active
        )
        SELECT count(*) INTO n FROM deleted;
        total := total + n;
        EXIT WHEN n < batch_size;
      END LOOP;
      RETURN total;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS webhook_outbox`.execute(db);
  await sql`DROP TABLE IF EXISTS webhook_endpoints`.execute(db);
}
