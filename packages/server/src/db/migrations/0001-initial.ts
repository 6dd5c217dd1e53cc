import { type Kysely, sql } from 'kysely';

// The seed's `user_sessions` table and its four indexes, with the bearer secret replaced by
// hashes and the columns rotation needs. Migrations are plain SQL so they read like the seed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      user_id uuid PRIMARY KEY,
      email text NOT NULL,
      password_hash text NOT NULL,
      name text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`.execute(db);

  await sql`
    CREATE TABLE user_sessions (
      session_id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
      refresh_token_hash text NOT NULL,
      previous_token_hash text,
      rotated_at timestamptz,
      generation integer NOT NULL DEFAULT 0,
      device_type varchar(20) NOT NULL,
      device_name varchar(100),
      browser varchar(50),
      os varchar(50),
      user_agent text,
      ip_address varchar(45),
      location varchar(100),
      created_at timestamptz NOT NULL,
      last_active timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      is_revoked boolean NOT NULL DEFAULT false,
      revoked_at timestamptz,
      revoked_reason varchar(255)
    )`.execute(db);
  await sql`CREATE INDEX idx_user_sessions_user_id ON user_sessions (user_id)`.execute(db);
  await sql`CREATE UNIQUE INDEX idx_user_sessions_token ON user_sessions (refresh_token_hash)`.execute(db);
  await sql`CREATE INDEX idx_user_sessions_expires_at ON user_sessions (expires_at)`.execute(db);
  await sql`CREATE INDEX idx_user_sessions_last_active ON user_sessions (last_active)`.execute(db);
  await sql`CREATE INDEX idx_user_sessions_previous_token ON user_sessions (previous_token_hash)`.execute(db);
  // Cleanup walks revoked rows by age; the partial index keeps that cheap at millions of rows.
  await sql`CREATE INDEX idx_user_sessions_revoked_at ON user_sessions (revoked_at) WHERE is_revoked`.execute(
    db,
  );

  await sql`
    CREATE TABLE retired_refresh_tokens (
      token_hash text PRIMARY KEY,
      session_id uuid NOT NULL REFERENCES user_sessions(session_id) ON DELETE CASCADE,
      retired_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX idx_retired_refresh_tokens_session ON retired_refresh_tokens (session_id)`.execute(
    db,
  );

  await sql`
    CREATE TABLE security_events (
      event_id uuid PRIMARY KEY,
      user_id uuid REFERENCES users(user_id) ON DELETE CASCADE,
      session_id uuid,
      type varchar(40) NOT NULL,
      ip_address varchar(45),
      user_agent text,
      detail jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX idx_security_events_user_created ON security_events (user_id, created_at DESC)`.execute(
    db,
  );

  await sql`
    CREATE TABLE signing_keys (
      kid text PRIMARY KEY,
      private_jwk jsonb NOT NULL,
      public_jwk jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz
    )`.execute(db);

  await sql`
    CREATE TABLE server_secrets (
      name text PRIMARY KEY,
      value text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Callable from pg_cron: SELECT cleanup_expired_sessions(15); marks sessions past their
  // absolute expiry or idle timeout as revoked (reason 'expired') and returns how many.
  // Batched so that it never holds row locks over millions of rows in one statement.
  await sql`
    CREATE FUNCTION cleanup_expired_sessions(
      inactivity_minutes double precision DEFAULT 15,
      batch_size integer DEFAULT 5000
    ) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      total integer := 0;
      n integer;
    BEGIN
      LOOP
        UPDATE user_sessions SET is_revoked = true, revoked_at = now(), revoked_reason = 'expired'
        WHERE session_id IN (
          SELECT session_id FROM user_sessions
          WHERE NOT is_revoked
            AND (expires_at <= now() OR last_active <= now() - make_interval(secs => inactivity_minutes * 60))
          LIMIT batch_size
          FOR UPDATE SKIP LOCKED
        );
        GET DIAGNOSTICS n = ROW_COUNT;
        total := total + n;
        EXIT WHEN n < batch_size;
      END LOOP;
      RETURN total;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS cleanup_expired_sessions(double precision, integer)`.execute(db);
  for (const table of [
    'server_secrets',
    'signing_keys',
    'security_events',
    'retired_refresh_tokens',
    'user_sessions',
    'users',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
