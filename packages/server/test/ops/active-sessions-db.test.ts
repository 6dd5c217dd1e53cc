import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { activeSessionsProvider } from '../../src/ops/active-sessions.ts';
import { SessionStats } from '../../src/ops/session-stats.ts';
import { buildTestApp, databaseOf, registerUser, type TestApp } from '../helpers/build-test-app.ts';

// the active-sessions gauge must not cost a full count per scrape at millions of rows.
// Small tables are counted exactly; past a row threshold the gauge is the planner's estimate,
// read from column statistics. Both follow the one definition of "active": not revoked, not past expiry,
// not idle.
const IDLE_MS = 15 * 60_000;
const ACTIVE = 3_000;
let t: TestApp;
let stats: SessionStats;

beforeAll(async () => {
  t = await buildTestApp();
  const owner = await registerUser(t.app); // one active session of its own
  const db = databaseOf(t.app).db;
  const insert = (count: number, shape: string) =>
    sql`
      INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at, last_active,
                                 expires_at, is_revoked, revoked_at)
      SELECT gen_random_uuid(), ${owner.userId}::uuid, md5(${shape} || i), 'desktop', now() - interval '1 day',
             ${sql.raw(shape === 'idle' ? "now() - interval '1 hour'" : 'now()')},
             ${sql.raw(shape === 'expired' ? "now() - interval '1 minute'" : "now() + interval '20 days'")},
             ${shape === 'revoked'}, ${sql.raw(shape === 'revoked' ? 'now()' : 'NULL')}
      FROM generate_series(1, ${count}::int) AS i`.execute(db);
  await insert(ACTIVE - 1, 'active');
  await insert(2_000, 'idle');
  await insert(2_000, 'expired');
  await insert(2_000, 'revoked');
  await sql`ANALYZE user_sessions`.execute(db);
  stats = new SessionStats(db);
});
afterAll(async () => t?.close());

describe('active sessions gauge on the real sessions table', () => {
  it('counts active sessions exactly below the row threshold (idle, expired and revoked rows left out)', async () => {
    const provider = activeSessionsProvider(stats, systemClock, { inactivityTimeoutMs: IDLE_MS });
    expect(await provider()).toBe(ACTIVE);
  });

  it('above the threshold, reports the planner estimate from statistics, close to the true count', async () => {
    expect(await stats.rowEstimate()).toBeGreaterThan(8_000);
    const provider = activeSessionsProvider(stats, systemClock, {
      inactivityTimeoutMs: IDLE_MS,
      exactCountMaxRows: 1_000,
    });
    const estimate = await provider();
    expect(Number.isInteger(estimate)).toBe(true);
    expect(estimate).toBeGreaterThan(ACTIVE * 0.5);
    expect(estimate).toBeLessThan(ACTIVE * 1.5);
  });

  it('is what GET /metrics reports as tenure_active_sessions', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.body).toMatch(new RegExp(`^tenure_active_sessions ${ACTIVE}$`, 'm'));
  });
});
