import type { EndReason } from '@tenure/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { startCleanupSchedule } from '../../src/ops/cleanup-schedule.ts';
import type { CleanupResult } from '../../src/sessions/cleanup.ts';
import type { Endings } from '../../src/sessions/endings.ts';
import {
  buildTestApp,
  loginAs,
  refresh,
  refreshCookieOf,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { usingPostgres } from '../helpers/database.ts';

// Cleanup over a large backlog runs in short batches while sign-ins and refreshes keep
// succeeding, and no request waits on a lock the cleanup holds. 200,000 sessions that expired
// before the retention cutoff on PostgreSQL; 20,000 on embedded PGlite, which runs one statement
// at a time anyway. Plus sessions signed out before the cutoff, and some that ended inside the
// retention period, which must stay.
const EXPIRED = usingPostgres ? 200_000 : 20_000;
const LONG_SIGNED_OUT = usingPostgres ? 20_000 : 2_000;
const RECENT = 1_000;
const ENDED = EXPIRED + LONG_SIGNED_OUT;
// The default batch: 5,000 rows on PostgreSQL, 1,000 on PGlite (which serialises all statements).
const BATCH = usingPostgres ? 5_000 : 1_000;
const SEED_CHUNK = 25_000;

let t: TestApp;

beforeAll(async () => {
  // Request limits are not what this test is about: the loop refreshes as fast as it can.
  t = await buildTestApp({ RATE_LIMITS: 'false' });
});
afterAll(async () => t?.close());

describe('cleanup over a large backlog', () => {
  it(`deletes ${ENDED.toLocaleString('en')} sessions that ended before the retention cutoff in batches while logins and refreshes keep succeeding`, async () => {
    const { app, config } = t;
    const { db } = t.database;
    const owner = await registerUser(app);
    // Seeded with generate_series, in chunks that stay well inside the pool's statement timeout:
    // past their absolute expiry long before the retention period (90 days), nobody having seen
    // them end; signed out long before it; and expired 10 days ago, inside it.
    for (let from = 1; from <= EXPIRED; from += SEED_CHUNK) {
      await sql`
        INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at, last_active, expires_at)
        SELECT gen_random_uuid(), ${owner.userId}::uuid, md5('e' || i), 'desktop',
               now() - interval '130 days', now() - interval '100 days', now() - interval '100 days'
        FROM generate_series(${from}::int, ${Math.min(EXPIRED, from + SEED_CHUNK - 1)}::int) AS i`.execute(
        db,
      );
    }
    await sql`
      INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at, last_active,
                                 expires_at, is_revoked, revoked_at, revoked_reason)
      SELECT gen_random_uuid(), ${owner.userId}::uuid, md5('r' || i), 'desktop', now() - interval '200 days',
             now() - interval '150 days', now() - interval '170 days', true, now() - interval '120 days', 'signed_out'
      FROM generate_series(1, ${LONG_SIGNED_OUT}::int) AS i`.execute(db);
    await sql`
      INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at, last_active, expires_at)
      SELECT gen_random_uuid(), ${owner.userId}::uuid, 'kept-' || i, 'desktop',
             now() - interval '40 days', now() - interval '10 days', now() - interval '10 days'
      FROM generate_series(1, ${RECENT}::int) AS i`.execute(db);
    await sql`ANALYZE user_sessions`.execute(db);

    const user = await registerUser(app);
    let token = user.refreshToken;
    const failures: string[] = [];
    const waitsOnLocks: string[] = [];
    let pageExtensionWaits = 0;
    let lockSamples = 0;
    let refreshes = 0;
    let logins = 0;
    let done = false;

    // What the app's endings port would hear: the expiry of each session nobody saw end, once.
    const heard: Array<{ reason: EndReason; sessions: number }> = [];
    const endings: Pick<Endings, 'ended'> = {
      ended: async (rows, reason) => {
        if (rows.length > 0) heard.push({ reason, sessions: rows.length });
      },
    };
    const schedule = startCleanupSchedule({
      cron: config.cleanupCron,
      policy: config,
      clock: systemClock,
      database: t.database,
      endings,
      log: app.log,
      tickHoldMs: 0,
    });
    const cleanup = schedule.trigger().finally(() => {
      done = true;
    });
    const traffic = (async () => {
      // Refreshes, with a sign-in every fifth round, for as long as the cleanup runs.
      for (let round = 0; !done; round++) {
        if (round % 5 === 4) {
          await loginAs(app, user.email);
          logins += 1;
          continue;
        }
        const response = await refresh(app, token);
        if (response.statusCode !== 200) failures.push(`refresh ${response.statusCode} ${response.body}`);
        token = refreshCookieOf(response) ?? token;
        refreshes += 1;
      }
    })();
    // On PostgreSQL, look from outside for a backend of this database waiting on a table lock,
    // or on any lock the cleanup's connection (the holder of the cleanup advisory lock) holds.
    // Requests may still briefly wait on each other's row locks; that is not the cleanup's doing.
    // Nor is the relation *extension* lock ('extend'): an insert can wait microseconds while any
    // other writer, the cleanup included, adds a page to the table. Those are counted, not failed.
    const watcher = usingPostgres
      ? (async () => {
          while (!done) {
            const { rows } = await sql<{ waiting: string | null; cleaning: boolean }>`
              WITH cleaner AS (
                SELECT pid FROM pg_locks
                WHERE locktype = 'advisory' AND objid = 727367001 AND objsubid = 1 AND granted
              )
              SELECT (SELECT count(*) > 0 FROM cleaner) AS cleaning,
                     a.backend_type || ' waits on ' || a.wait_event || ': ' || left(a.query, 120) AS waiting
              FROM (SELECT 1) AS one
              LEFT JOIN pg_stat_activity a
                ON a.datname = current_database() AND a.wait_event_type = 'Lock'
               AND (a.wait_event = 'relation' OR pg_blocking_pids(a.pid) && ARRAY(SELECT pid FROM cleaner))`.execute(
              db,
            );
            for (const row of rows) {
              if (row.waiting?.includes(' waits on extend: ')) pageExtensionWaits += 1;
              else if (row.waiting) waitsOnLocks.push(row.waiting);
            }
            if (rows[0]?.cleaning) lockSamples += 1;
          }
        })()
      : Promise.resolve();

    const result: CleanupResult | undefined = await cleanup;
    await Promise.all([traffic, watcher]);
    await schedule.stop();

    expect(result).toMatchObject({
      ran: true,
      interrupted: false,
      deleted: ENDED,
      expiredUnobserved: EXPIRED,
    });
    // Every statement deleted at most one batch: one per BATCH rows, plus the short final one.
    expect(result!.batches).toBe(Math.floor(ENDED / BATCH) + 1);
    expect(new Set(heard.map((h) => h.reason))).toEqual(new Set(['expired']));
    expect(heard.reduce((n, h) => n + h.sessions, 0)).toBe(EXPIRED);
    expect(failures).toEqual([]);
    expect(refreshes).toBeGreaterThan(0);
    console.info(
      `[cleanup-load] ${EXPIRED} expired + ${LONG_SIGNED_OUT} signed out deleted in ${result!.batches} batches, ${result!.durationMs} ms; ` +
        `${refreshes} refreshes and ${logins} sign-ins meanwhile, none failed; ` +
        `${lockSamples} lock samples during the run, ${pageExtensionWaits} saw an insert waiting on page extension`,
    );
    if (usingPostgres) {
      expect(lockSamples).toBeGreaterThan(0);
      expect(waitsOnLocks).toEqual([]);
    }
    const cutoff = new Date(Date.now() - config.revokedRetentionMs);
    const { rows } = await sql<{ left: number; kept: number }>`
      SELECT count(*) FILTER (WHERE CASE WHEN is_revoked THEN revoked_at
                                         ELSE least(expires_at, last_active + make_interval(secs => ${config.inactivityTimeoutMs / 1000}))
                                    END < ${cutoff})::int AS left,
             count(*) FILTER (WHERE refresh_token_hash LIKE 'kept-%')::int AS kept
      FROM user_sessions`.execute(db);
    expect(rows[0]!.left).toBe(0);
    expect(rows[0]!.kept).toBe(RECENT);
    // The user who kept refreshing is still signed in.
    expect((await refresh(app, token)).statusCode).toBe(200);
  }, 240_000);
});
