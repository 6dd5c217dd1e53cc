import { type Kysely, sql } from 'kysely';

// When the person behind a session last proved who they are (sign-in, or a re-authentication for
// a sensitive action); refresh never moves it. NULL for sessions that began before this column:
// they count as not recently authenticated. Adding a nullable column without a default is a
// catalog-only change, no table rewrite.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE user_sessions ADD COLUMN IF NOT EXISTS auth_time timestamptz NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE user_sessions DROP COLUMN IF EXISTS auth_time`.execute(db);
}
