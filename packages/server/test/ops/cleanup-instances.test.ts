import { Writable } from 'node:stream';
import type { EndReason } from '@tenure/protocol';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { systemClock } from '../../src/clock.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { createLogger } from '../../src/logger.ts';
import { startCleanupSchedule } from '../../src/ops/cleanup-schedule.ts';
import { createMetrics, type Metrics } from '../../src/ops/metrics.ts';
import type { Endings } from '../../src/sessions/endings.ts';
import { nullGeolocator, registerUser } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl, usingPostgres } from '../helpers/database.ts';
import { parseExposition, sampleValue } from './scrape.ts';

// Every instance schedules the cleanup, and one PostgreSQL advisory lock lets exactly one of them
// run each tick. Two server instances (two apps in this process, each with its own pool) share one
// fresh PostgreSQL database.
interface LogLine {
  msg: string;
  startedAt?: string;
  deleted?: number;
  expiredUnobserved?: number;
}

interface Instance {
  app: FastifyInstance;
  /** The instance's own pool, opened here and handed to the app (which closes it). */
  database: DatabaseHandle;
  config: Readonly<Config>;
  metrics: Metrics;
  logs: LogLine[];
  /** Closes the app once, however often it is called. */
  close(): Promise<void>;
}

// Yearly: a schedule built to be triggered by hand never ticks by itself while these tests run,
// and its lock hold (at most half the time to its next tick) is never cut short by a near tick.
const BY_HAND = '0 0 1 1 *';

async function startInstance(url: string, env: Record<string, string>, jobs: boolean): Promise<Instance> {
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({ DATABASE_URL: url, WEB_ROOT: 'none', COOKIE_SECURE: 'false', ...env });
  const database = await connectDatabase(config.databaseUrl);
  const metrics = createMetrics();
  const app = await buildApp({
    config,
    database,
    metrics,
    jobs,
    logger: createLogger({ logLevel: 'debug' }, sink),
    geolocator: nullGeolocator,
  });
  await app.ready();
  let closing: Promise<void> | undefined;
  return { app, database, config, metrics, logs, close: () => (closing ??= app.close()) };
}

/** An `endings` port that remembers what it was told, as the app's metrics would count it. */
function countingEndings() {
  const heard: Array<{ reason: EndReason; sessions: number }> = [];
  const ended: Endings['ended'] = async (rows, reason) => {
    if (rows.length > 0) heard.push({ reason, sessions: rows.length });
  };
  return { heard, ended, sessions: () => heard.reduce((n, h) => n + h.sessions, 0) };
}

/** A schedule as the app builds one, on this instance's pool, to be triggered by hand. */
function scheduleFor(
  instance: Instance,
  endings: Pick<Endings, 'ended'>,
  tickHoldMs: number,
): ReturnType<typeof startCleanupSchedule> {
  return startCleanupSchedule({
    cron: BY_HAND,
    policy: instance.config,
    clock: systemClock,
    database: instance.database,
    endings,
    log: instance.app.log,
    tickHoldMs,
  });
}

/**
 * Sessions of `userId` that ended longer ago than the retention period (90 days): `expired` ones
 * went past their absolute expiry with nobody noticing, `signedOut` ones have their ending recorded.
 * `recent` ones expired yesterday: inside the retention period, they must stay.
 */
async function insertEnded(
  instance: Instance,
  userId: string,
  counts: { expired?: number; signedOut?: number; recent?: number },
) {
  const { db } = instance.database;
  await sql`
    INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at, last_active, expires_at)
    SELECT gen_random_uuid(), ${userId}::uuid, md5(random()::text || i), 'desktop',
           now() - interval '125 days', now() - interval '96 days', now() - interval '95 days'
    FROM generate_series(1, ${counts.expired ?? 0}::int) AS i`.execute(db);
  await sql`
    INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at, last_active,
                               expires_at, is_revoked, revoked_at, revoked_reason)
    SELECT gen_random_uuid(), ${userId}::uuid, md5(random()::text || i), 'desktop', now() - interval '120 days',
           now() - interval '100 days', now() - interval '90 days', true, now() - interval '100 days', 'signed_out'
    FROM generate_series(1, ${counts.signedOut ?? 0}::int) AS i`.execute(db);
  await sql`
    INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at, last_active, expires_at)
    SELECT gen_random_uuid(), ${userId}::uuid, 'recent-' || md5(random()::text || i), 'desktop',
           now() - interval '31 days', now() - interval '1 day', now() - interval '1 day'
    FROM generate_series(1, ${counts.recent ?? 0}::int) AS i`.execute(db);
}

/** Sessions that ended before the retention cutoff: what a finished cleanup leaves none of. */
async function endedBeforeCutoff(instance: Instance): Promise<number> {
  const { inactivityTimeoutMs, revokedRetentionMs } = instance.config;
  const cutoff = new Date(Date.now() - revokedRetentionMs);
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM user_sessions
    WHERE CASE WHEN is_revoked THEN revoked_at
               ELSE least(expires_at, last_active + make_interval(secs => ${inactivityTimeoutMs / 1000}))
          END < ${cutoff}`.execute(instance.database.db);
  return rows[0]!.n;
}

async function recentlyEnded(instance: Instance): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM user_sessions WHERE refresh_token_hash LIKE 'recent-%'`.execute(
    instance.database.db,
  );
  return rows[0]!.n;
}

const cleanupMessages = (instance: Instance) =>
  instance.logs.filter((line) => line.msg.startsWith('session cleanup'));
const DONE = 'session cleanup done';
const SKIPPED = 'session cleanup skipped: another instance holds the lock';
const INTERRUPTED = 'session cleanup interrupted by shutdown; the next run continues';
/** A tick this instance ran (an interrupted one ran too, until shutdown stopped it). */
const ran = (msg: string) => msg === DONE || msg === INTERRUPTED;

if (!usingPostgres) {
  const why = 'two instances need a shared PostgreSQL (DATABASE_URL=postgres://…)';
  // CI's PostgreSQL pass sets TENURE_REQUIRE_SERVICES: there these tests must run, not skip.
  if (process.env.TENURE_REQUIRE_SERVICES === '1')
    throw new Error(`TENURE_REQUIRE_SERVICES is set but ${why}`);
  console.warn(`[test/ops/cleanup-instances] SKIPPED: ${why}`);
}

describe.runIf(usingPostgres)('cleanup across two instances on one PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let a: Instance;
  let b: Instance;
  let userId: string;
  const instances: Instance[] = [];

  beforeAll(async () => {
    database = await freshDatabaseUrl();
    // Without jobs: the only schedules on these two are the ones the tests build and trigger.
    a = await startInstance(database.url, {}, false);
    b = await startInstance(database.url, {}, false);
    instances.push(a, b);
    userId = (await registerUser(a.app)).userId;
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await database?.drop();
  });

  it('two instances triggered at the same moment: exactly one runs, and it deletes every session that ended before the retention cutoff', async () => {
    await insertEnded(a, userId, { expired: 30, signedOut: 10, recent: 5 });
    const endingsA = countingEndings();
    const endingsB = countingEndings();
    const scheduleA = scheduleFor(a, endingsA, 0);
    const scheduleB = scheduleFor(b, endingsB, 0);
    try {
      const results = await Promise.all([scheduleA.trigger(), scheduleB.trigger()]);
      expect(results.map((r) => r?.ran).sort()).toEqual([false, true]);
      expect(results.find((r) => r?.ran)).toMatchObject({
        deleted: 40,
        expiredUnobserved: 30,
        interrupted: false,
      });
      expect(results.find((r) => !r?.ran)).toMatchObject({ deleted: 0, expiredUnobserved: 0, batches: 0 });
    } finally {
      await Promise.all([scheduleA.stop(), scheduleB.stop()]);
    }
    expect(await endedBeforeCutoff(a)).toBe(0);
    expect(await recentlyEnded(a)).toBe(5);
    // The 30 expiries nobody saw are reported once, as `expired`, by the instance that deleted them;
    // the 10 sign-outs were reported when they happened.
    expect(new Set([...endingsA.heard, ...endingsB.heard].map((h) => h.reason))).toEqual(
      new Set(['expired']),
    );
    expect(endingsA.sessions() + endingsB.sessions()).toBe(30);
  });

  it('an instance whose tick comes later than the winner finished still finds the tick taken', async () => {
    await insertEnded(a, userId, { expired: 10 });
    const endings = countingEndings();
    const scheduleA = scheduleFor(a, endings, 3_000);
    const scheduleB = scheduleFor(b, endings, 3_000);
    try {
      const first = scheduleA.trigger();
      // A's work is done (nothing ended before the cutoff is left) before B's clock ticks.
      await expect.poll(() => endedBeforeCutoff(a), { timeout: 10_000 }).toBe(0);
      const late = await scheduleB.trigger();
      expect(late?.ran).toBe(false);
      expect(await first).toMatchObject({ ran: true, deleted: 10, expiredUnobserved: 10 });
      expect(endings.sessions()).toBe(10);
    } finally {
      await Promise.all([scheduleA.stop(), scheduleB.stop()]);
    }
    expect(await recentlyEnded(a)).toBe(5);
  });

  it('on CLEANUP_CRON, each tick of the schedules the apps start themselves is run by exactly one of the two', async () => {
    // Croner accepts a seconds field: a tick every second makes "each tick" observable quickly.
    const c = await startInstance(database.url, { CLEANUP_CRON: '* * * * * *' }, true);
    const d = await startInstance(database.url, { CLEANUP_CRON: '* * * * * *' }, true);
    instances.push(c, d);
    await insertEnded(a, userId, { expired: 20 });
    const ticks = () => [...cleanupMessages(c), ...cleanupMessages(d)];
    try {
      await expect
        .poll(async () => ticks().length >= 6 && (await endedBeforeCutoff(a)) === 0, {
          timeout: 15_000,
          interval: 100,
        })
        .toBe(true);
    } finally {
      // Closing stops each app's schedule (a running cleanup lets go between two batches).
      await Promise.all([c.close(), d.close()]);
    }
    const lines = ticks();
    expect(lines.map((line) => line.msg).filter((msg) => !ran(msg) && msg !== SKIPPED)).toEqual([]);
    // Group both instances' log lines by the second their tick started in.
    const bySecond = new Map<number, string[]>();
    for (const line of lines) {
      const second = Math.floor(Date.parse(line.startedAt ?? '') / 1000);
      bySecond.set(second, [...(bySecond.get(second) ?? []), line.msg]);
    }
    const complete = [...bySecond.values()].filter((messages) => messages.length === 2);
    expect(complete.length).toBeGreaterThanOrEqual(2);
    for (const messages of complete) {
      expect(messages.filter(ran)).toHaveLength(1);
      expect(messages.filter((m) => m === SKIPPED)).toHaveLength(1);
    }
    expect(bySecond.size).toBeGreaterThanOrEqual(3);
    for (const messages of bySecond.values()) expect(messages.filter(ran)).toHaveLength(1);

    // The 20 ended sessions were deleted once, by whichever instance ran first, and their expiry
    // reported once through that app's own metrics.
    const sum = (key: 'deleted' | 'expiredUnobserved') =>
      lines.filter((line) => ran(line.msg)).reduce((n, line) => n + (line[key] ?? 0), 0);
    expect(sum('deleted')).toBe(20);
    expect(sum('expiredUnobserved')).toBe(20);
    const scraped = await Promise.all(
      [c, d].map(async (instance) => parseExposition(await instance.metrics.registry.metrics())),
    );
    const total = (name: string, labels: Record<string, string> = {}) =>
      scraped.reduce((n, samples) => n + (sampleValue(samples, name, labels) ?? 0), 0);
    expect(total('tenure_sessions_revoked_total', { reason: 'expired' })).toBe(20);
    const done = lines.filter((line) => line.msg === DONE);
    expect(total('tenure_cleanup_runs_total')).toBe(done.length);
    expect(total('tenure_cleanup_deleted_sessions_total')).toBe(
      done.reduce((n, line) => n + (line.deleted ?? 0), 0),
    );
    expect(total('tenure_cleanup_failures_total')).toBe(0);
    expect(await recentlyEnded(a)).toBe(5);
  });
});
