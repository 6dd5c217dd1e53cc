import { type Kysely, sql } from 'kysely';

// Listing a user's active sessions newest-first (GET /sessions, the session limit) reads one
// index range, whatever the planner guesses about `last_active`: with only the seed's indexes
// it may walk the global last_active index backwards and filter by user (measured by the benchmark).
// Partial on `NOT is_revoked`, so revoking a session adds no entry. On a large live table,
// create it first with CREATE INDEX CONCURRENTLY under this name.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX IF NOT EXISTS idx_user_sessions_user_active
    ON user_sessions (user_id, last_active DESC) WHERE NOT is_revoked`.execute(db);

  // Same contract as in 0001 (count of sessions marked revoked, reason 'expired'), but each
  // batch is picked by the partial indexes of 0002 — past absolute expiry first, then idle. An
  // OR of the two conditions can only be planned as a scan of the whole table per batch.
  await sql`
    CREATE OR REPLACE FUNCTION cleanup_expired_sessions(
      inactivity_minutes double precision DEFAULT 15,
      batch_size integer DEFAULT 5000
    ) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      total integer := 0;
      n integer;
    BEGIN
      LOOP
        WITH absolute AS (
          SELECT session_id FROM user_sessions
          WHERE NOT is_revoked AND expires_at <= now()
          ORDER BY expires_at LIMIT batch_size
          FOR UPDATE SKIP LOCKED
        ), idle AS (
          SELECT session_id FROM user_sessions
          WHERE NOT is_revoked AND expires_at > now()
            AND last_active <= now() - make_interval(secs => inactivity_minutes * 60)
          ORDER BY last_active LIMIT batch_size
          FOR UPDATE SKIP LOCKED
        ), picked AS (
          SELECT session_id FROM absolute UNION ALL SELECT session_id FROM idle LIMIT batch_size
        )
        UPDATE user_sessions SET is_revoked = true, revoked_at = now(), revoked_reason = 'expired'
        WHERE session_id IN (SELECT session_id FROM picked);
        GET DIAGNOSTICS n = ROW_COUNT;
        total := total + n;
        EXIT WHEN n < batch_size;
      END LOOP;
      RETURN total;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS idx_user_sessions_user_active`.execute(db);
}
