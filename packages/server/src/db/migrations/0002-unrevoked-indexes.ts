import { type Kysely, sql } from 'kysely';

// Cleanup looks for unrevoked sessions past their absolute expiry or idle timeout. Without these
// partial indexes every batch re-reads rows it already revoked; with them a batch touches only
// candidates, and the indexes stay as small as the live sessions.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX idx_user_sessions_unrevoked_expires ON user_sessions (expires_at) WHERE NOT is_revoked`.execute(
    db,
  );
  await sql`CREATE INDEX idx_user_sessions_unrevoked_last_active ON user_sessions (last_active) WHERE NOT is_revoked`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS idx_user_sessions_unrevoked_last_active`.execute(db);
  await sql`DROP INDEX IF EXISTS idx_user_sessions_unrevoked_expires`.execute(db);
}
