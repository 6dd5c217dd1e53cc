import { type Kysely, sql } from 'kysely';

// Sessions for users Tenure did not sign in itself: an adopting app's user ids are any string
// of 1–255 characters (`github|4711`), so the tables keyed by user id take text and no longer
// point at `users`. Existing uuid ids keep working as their text form. Changing the column type
// rewrites each table and its indexes under an exclusive lock (measured: see docs/adopting.md).
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['user_sessions', 'security_events']) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT IF EXISTS ${sql.ref(`${table}_user_id_fkey`)}`.execute(
      db,
    );
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN user_id TYPE text`.execute(db);
  }
  await sql`
    ALTER TABLE user_sessions ADD CONSTRAINT user_sessions_user_id_length
    CHECK (length(user_id) BETWEEN 1 AND 255)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE user_sessions DROP CONSTRAINT IF EXISTS user_sessions_user_id_length`.execute(db);
}
