import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { runCleanup } from '../../src/sessions/cleanup.ts';
import { buildTestApp, registerUser, type SignedIn, type TestApp } from '../helpers/build-test-app.ts';
import { usingPostgres } from '../helpers/database.ts';

// SPEC §3 / §8: cleanup marks expired and idle sessions revoked ('expired'), deletes rows
// revoked longer than the retention period, and leaves live sessions alone. The SQL function
// uses the database's now(), so rows are placed relative to the real clock.
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
let t: TestApp;
let owner: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await registerUser(t.app);
});
afterAll(async () => t?.close());

type Kind = 'expired' | 'idle' | 'revokedLongAgo' | 'revokedRecently' | 'live';

async function insertSession(kind: Kind): Promise<string> {
  const now = Date.now();
  const sessionId = randomUUID();
  const shape: Record<Kind, { created: number; lastActive: number; expires: number; revokedAt?: number }> = {
    expired: { created: now - 31 * DAY, lastActive: now - MINUTE, expires: now - MINUTE },
    idle: { created: now - DAY, lastActive: now - 20 * MINUTE, expires: now + DAY },
    revokedLongAgo: {
      created: now - 120 * DAY,
      lastActive: now - 100 * DAY,
      expires: now - 90 * DAY,
      revokedAt: now - 91 * DAY,
    },
    revokedRecently: {
      created: now - 2 * DAY,
      lastActive: now - DAY,
      expires: now + DAY,
      revokedAt: now - DAY,
    },
    live: { created: now - DAY, lastActive: now - MINUTE, expires: now + DAY },
  };
  const row = shape[kind];
  await t.app.tenure.database.db
    .insertInto('user_sessions')
    .values({
      session_id: sessionId,
      user_id: owner.userId,
      refresh_token_hash: randomUUID(),
      device_type: 'desktop',
      created_at: new Date(row.created),
      last_active: new Date(row.lastActive),
      expires_at: new Date(row.expires),
      is_revoked: row.revokedAt !== undefined,
      revoked_at: row.revokedAt === undefined ? null : new Date(row.revokedAt),
      revoked_reason: row.revokedAt === undefined ? null : 'user',
    })
    .execute();
  return sessionId;
}

async function state(sessionId: string) {
  const row = await t.app.tenure.database.db
    .selectFrom('user_sessions')
    .select(['is_revoked', 'revoked_reason'])
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return row ?? 'deleted';
}

const config = { inactivityTimeoutMs: 15 * MINUTE, revokedRetentionMs: 90 * DAY };

describe('expired-session cleanup', () => {
  it('runCleanup revokes expired and idle sessions, deletes long-revoked rows and leaves the rest alone', async () => {
    const ids = {
      expired: await insertSession('expired'),
      idle: await insertSession('idle'),
      revokedLongAgo: await insertSession('revokedLongAgo'),
      revokedRecently: await insertSession('revokedRecently'),
      live: await insertSession('live'),
    };
    const result = await runCleanup(t.app.tenure.database.db, config, systemClock, { batchSize: 1 });
    expect(result).toMatchObject({ expired: 2, deleted: 1, ran: true });

    expect(await state(ids.expired)).toEqual({ is_revoked: true, revoked_reason: 'expired' });
    expect(await state(ids.idle)).toEqual({ is_revoked: true, revoked_reason: 'expired' });
    expect(await state(ids.revokedLongAgo)).toBe('deleted');
    expect(await state(ids.revokedRecently)).toEqual({ is_revoked: true, revoked_reason: 'user' });
    expect(await state(ids.live)).toEqual({ is_revoked: false, revoked_reason: null });
    expect(await state(owner.sessionId)).toEqual({ is_revoked: false, revoked_reason: null });

    // Nothing left to do: a second run changes nothing.
    expect(await runCleanup(t.app.tenure.database.db, config, systemClock)).toMatchObject({
      expired: 0,
      deleted: 0,
      ran: true,
    });
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: { authorization: `Bearer ${owner.accessToken}` },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('the SQL function cleanup_expired_sessions() is callable and returns how many it revoked', async () => {
    const ids = [await insertSession('expired'), await insertSession('idle'), await insertSession('expired')];
    const live = await insertSession('live');
    const { rows } = await sql<{ count: number }>`SELECT cleanup_expired_sessions() AS count`.execute(
      t.app.tenure.database.db,
    );
    expect(Number(rows[0]!.count)).toBe(3);
    for (const id of ids) expect(await state(id)).toEqual({ is_revoked: true, revoked_reason: 'expired' });
    expect(await state(live)).toEqual({ is_revoked: false, revoked_reason: null });

    const again = await sql<{ count: number }>`SELECT cleanup_expired_sessions() AS count`.execute(
      t.app.tenure.database.db,
    );
    expect(Number(again.rows[0]!.count)).toBe(0);
  });
});

describe.runIf(usingPostgres)('cleanup on PostgreSQL', () => {
  it('does nothing while another instance holds the cleanup lock', async () => {
    const expired = await insertSession('expired');
    const other = new pg.Client({ connectionString: t.app.tenure.config.databaseUrl });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(727367001)');
      const result = await runCleanup(t.app.tenure.database.db, config, systemClock);
      expect(result).toMatchObject({ expired: 0, deleted: 0, ran: false });
      expect(await state(expired)).toEqual({ is_revoked: false, revoked_reason: null });
    } finally {
      await other.end();
    }
    expect(await runCleanup(t.app.tenure.database.db, config, systemClock)).toMatchObject({ expired: 1 });
  });
});
