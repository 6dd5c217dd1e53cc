import { type Kysely, sql } from 'kysely';

// Why a session ended becomes one closed list, shared by storage, the audit log, metrics and
// webhooks; earlier values are mapped onto it. Expiry becomes a fact of the timestamps: the
// cleanup function no longer marks expired rows, it deletes sessions that ended longer than the
// retention period ago (a recorded ending, else the first of absolute expiry and idle timeout).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE user_sessions SET revoked_reason = CASE revoked_reason
      WHEN 'logout' THEN 'signed_out'
      WHEN 'user' THEN 'revoked'
      WHEN 'revoke_all' THEN 'revoked'
      WHEN 'refresh_token_reused' THEN 'reuse'
      ELSE 'revoked' END
    WHERE revoked_reason IS NOT NULL AND revoked_reason NOT IN
      ('signed_out', 'revoked', 'password_change', 'session_limit', 'reuse', 'expired', 'admin', 'user_disabled')`.execute(
    db,
  );
  // NOT VALID then VALIDATE: the check is validated without blocking writes to the table.
  await sql`
    ALTER TABLE user_sessions ADD CONSTRAINT user_sessions_revoked_reason_check CHECK (revoked_reason IN
      ('signed_out', 'revoked', 'password_change', 'session_limit', 'reuse', 'expired', 'admin', 'user_disabled'))
    NOT VALID`.execute(db);
  await sql`ALTER TABLE user_sessions VALIDATE CONSTRAINT user_sessions_revoked_reason_check`.execute(db);

  await sql`DROP FUNCTION IF EXISTS cleanup_expired_sessions(double precision, integer)`.execute(db);
  // For pg_cron: SELECT cleanup_expired_sessions(15, 90); the same rule as the app's own
  // cleanup job, batch by batch, each way picked by its own index. `at` exists for tests.
  await sql`
    CREATE FUNCTION cleanup_expired_sessions(
      inactivity_minutes double precision DEFAULT 15,
      retention_days double precision DEFAULT 90,
      batch_size integer DEFAULT 5000,
      at timestamptz DEFAULT now()
    ) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      cutoff timestamptz := at - make_interval(secs => retention_days * 86400);
      idle_cutoff timestamptz := cutoff - make_interval(secs => inactivity_minutes * 60);
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
        )
        DELETE FROM user_sessions WHERE session_id IN (SELECT session_id FROM picked);
        GET DIAGNOSTICS n = ROW_COUNT;
        total := total + n;
        EXIT WHEN n < batch_size;
      END LOOP;
      RETURN total;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE user_sessions DROP CONSTRAINT IF EXISTS user_sessions_revoked_reason_check`.execute(
    db,
  );
}
