import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inForceQuery } from '../../src/revocations/revocation-feed-repository.ts';
import { buildTestApp, databaseOf, type TestApp } from '../helpers/build-test-app.ts';
import { usingPostgres } from '../helpers/database.ts';

// Many services poll the feed: each read must be an index range over the last few minutes of
// revocations, never a scan of every session ever revoked. Runs on PostgreSQL and PGlite alike.
let t: TestApp;
const SESSIONS = 20_000;

beforeAll(async () => {
  t = await buildTestApp();
  const db = databaseOf(t.app).db;
  const userId = crypto.randomUUID();
  await sql`INSERT INTO users (user_id, email, password_hash) VALUES (${userId}, 'plan@example.com', 'x')`.execute(
    db,
  );
  // Half of them revoked, one a minute over the last week; the rest active.
  await sql`
    INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at,
                               last_active, expires_at, is_revoked, revoked_at, revoked_reason)
    SELECT gen_random_uuid(), ${userId}, md5(i::text), 'desktop', now() - interval '40 days',
           now() - interval '1 minute', now() + interval '20 days', i % 2 = 0,
           CASE WHEN i % 2 = 0 THEN now() - make_interval(mins => i / 2) END,
           CASE WHEN i % 2 = 0 THEN 'revoked' END
    FROM generate_series(1, ${SESSIONS}) AS i`.execute(db);
  await sql`ANALYZE user_sessions`.execute(db);
}, 180_000);
afterAll(async () => t?.close());

async function plan(after?: { position: string; sessionId: string }): Promise<string> {
  const now = Date.now();
  const query = inForceQuery(databaseOf(t.app).db, {
    after,
    revokedAfter: new Date(now - 6 * 60_000),
    expiresAfter: new Date(now - 60_000),
    limit: 501,
  });
  return JSON.stringify(await query.explain('json'));
}

describe(`revocation feed query plan (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('reads a page through the partial index on revoked_at WHERE is_revoked', async () => {
    const text = await plan();
    expect(text).toContain('idx_user_sessions_revoked_at');
    expect(text).not.toContain('Seq Scan');
  });

  it('reads a page after a cursor through the same index', async () => {
    const position = new Date(Date.now() - 3 * 60_000).toISOString().replace('Z', '000Z');
    const text = await plan({ position, sessionId: '00000000-0000-0000-0000-000000000000' });
    expect(text).toContain('idx_user_sessions_revoked_at');
    expect(text).not.toContain('Seq Scan');
  });
});
