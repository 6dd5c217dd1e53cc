import { type Kysely, sql } from 'kysely';

// Users an operator disabled: they cannot sign in or start sessions until enabled again. Keyed
// by any user id (a password account's uuid or an adopting app's own id, e.g. `github|4711`), so
// it points at no other table. `actor` is the operator's free-text X-Admin-Actor, if given.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE disabled_users (
      user_id text PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 255),
      disabled_at timestamptz NOT NULL DEFAULT now(),
      actor text
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS disabled_users`.execute(db);
}
