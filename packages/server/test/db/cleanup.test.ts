import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { runCleanup } from '../../src/sessions/cleanup.ts';
import {
  buildTestApp,
  databaseOf,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { usingPostgres } from '../helpers/database.ts';

// Retention cleanup: expiry is a fact of the timestamps, so nothing is rewritten to expire a
// session; sessions that ended (signed out, or expired) longer than the retention period ago are
// deleted, and nothing else is touched. The SQL function uses the database's now(), so rows are
// placed relative to the real clock.
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
let t: TestApp;
let owner: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await registerUser(t.app);
});
afterAll(async () => t?.close());

type Kind =
  | 'expiredLongAgo'
  | 'idleLongAgo'
  | 'expiredRecently'
  | 'revokedLongAgo'
  | 'revokedRecently'
  | 'live';

async function insertSession(kind: Kind): Promise<string> {
  const now = Date.now();
  const sessionId = randomUUID();
  const shape: Record<Kind, { created: number; lastActive: number; expires: number; revokedAt?: number }> = {
    expiredLongAgo: { created: now - 121 * DAY, lastActive: now - 92 * DAY, expires: now - 91 * DAY },
    idleLongAgo: { created: now - 100 * DAY, lastActive: now - 91 * DAY, expires: now + DAY },
    expiredRecently: { created: now - 31 * DAY, lastActive: now - MINUTE, expires: now - MINUTE },
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
  await databaseOf(t.app)
    .db.insertInto('user_sessions')
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
      revoked_reason: row.revokedAt === undefined ? null : 'revoked',
    })
    .execute();
  return sessionId;
}

async function state(sessionId: string) {
  const row = await databaseOf(t.app)
    .db.selectFrom('user_sessions')
    .select(['is_revoked', 'revoked_reason'])
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return row ?? 'deleted';
}

const config = { inactivityTimeoutMs: 15 * MINUTE, revokedRetentionMs: 90 * DAY };
const untouched = { is_revoked: false, revoked_reason: null };

describe('retention cleanup', () => {
  it('deletes what ended longer than the retention period ago, reports unobserved expiry, and rewrites nothing', async () => {
    const ids = {
      expiredLongAgo: await insertSession('expiredLongAgo'),
      idleLongAgo: await insertSession('idleLongAgo'),
      expiredRecently: await insertSession('expiredRecently'),
      revokedLongAgo: await insertSession('revokedLongAgo'),
      revokedRecently: await insertSession('revokedRecently'),
      live: await insertSession('live'),
    };
    const reported: string[] = [];
    const endings = {
      ended: async (rows: Array<{ session_id: string }>) =>
        void reported.push(...rows.map((r) => r.session_id)),
    };
    const result = await runCleanup(databaseOf(t.app).db, config, systemClock, { batchSize: 1, endings });
    expect(result).toMatchObject({ deleted: 3, expiredUnobserved: 2, ran: true });
    expect(reported.sort()).toEqual([ids.expiredLongAgo, ids.idleLongAgo].sort());

    expect(await state(ids.expiredLongAgo)).toBe('deleted');
    expect(await state(ids.idleLongAgo)).toBe('deleted');
    expect(await state(ids.revokedLongAgo)).toBe('deleted');
    // Expired a minute ago: expired by its timestamps, kept (and not rewritten) until retention ends.
    expect(await state(ids.expiredRecently)).toEqual(untouched);
    expect(await state(ids.revokedRecently)).toEqual({ is_revoked: true, revoked_reason: 'revoked' });
    expect(await state(ids.live)).toEqual(untouched);
    expect(await state(owner.sessionId)).toEqual(untouched);

    // Nothing left to do: a second run changes nothing.
    expect(await runCleanup(databaseOf(t.app).db, config, systemClock)).toMatchObject({
      deleted: 0,
      ran: true,
    });
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expect(me.statusCode).toBe(200);
  });

  it('the SQL function cleanup_expired_sessions() deletes the same and returns how many', async () => {
    const ids = [
      await insertSession('expiredLongAgo'),
      await insertSession('idleLongAgo'),
      await insertSession('revokedLongAgo'),
    ];
    const kept = [await insertSession('live'), await insertSession('expiredRecently')];
    const { rows } = await sql<{ count: number }>`SELECT cleanup_expired_sessions() AS count`.execute(
      databaseOf(t.app).db,
    );
    expect(Number(rows[0]!.count)).toBe(3);
    for (const id of ids) expect(await state(id)).toBe('deleted');
    for (const id of kept) expect(await state(id)).toEqual(untouched);
    const again = await sql<{ count: number }>`SELECT cleanup_expired_sessions() AS count`.execute(
      databaseOf(t.app).db,
    );
    expect(Number(again.rows[0]!.count)).toBe(0);
  });
});

describe.runIf(usingPostgres)('cleanup on PostgreSQL', () => {
  it('does nothing while another instance holds the cleanup lock', async () => {
    const expired = await insertSession('expiredLongAgo');
    const other = new pg.Client({ connectionString: t.config.databaseUrl });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(727367001)');
      const result = await runCleanup(databaseOf(t.app).db, config, systemClock);
      expect(result).toMatchObject({ deleted: 0, ran: false });
      expect(await state(expired)).toEqual(untouched);
    } finally {
      await other.end();
    }
    expect(await runCleanup(databaseOf(t.app).db, config, systemClock)).toMatchObject({ deleted: 1 });
  });
});
