import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startCleanupSchedule } from '../../src/ops/cleanup-schedule.ts';
import { nullGeolocator, registerUser } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl, usingPostgres } from '../helpers/database.ts';
import { sampleValue, scrape } from './scrape.ts';

// Issue 6: every instance schedules the cleanup, one PostgreSQL advisory lock lets exactly one of
// them run each tick. Two server instances (two apps in this process, each with its own pool)
// share one fresh PostgreSQL database.
interface Instance {
  app: FastifyInstance;
  logs: Array<{ msg: string; startedAt?: string; expired?: number }>;
}

async function startInstance(url: string, env: Record<string, string> = {}): Promise<Instance> {
  const logs: Instance['logs'] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({ DATABASE_URL: url, WEB_ROOT: 'none', COOKIE_SECURE: 'false', ...env });
  const app = await buildApp({
    config,
    logger: createLogger({ logLevel: 'debug' }, sink),
    geolocator: nullGeolocator,
  });
  await app.ready();
  return { app, logs };
}

async function insertExpired(app: FastifyInstance, userId: string, count: number) {
  await sql`
    INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, created_at, last_active, expires_at)
    SELECT gen_random_uuid(), ${userId}::uuid, md5(random()::text || i), 'desktop',
           now() - interval '31 days', now() - interval '1 day', now() - interval '1 day'
    FROM generate_series(1, ${count}) AS i`.execute(app.tenure.database.db);
}

async function unrevokedExpired(app: FastifyInstance): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM user_sessions WHERE NOT is_revoked AND expires_at <= now()`.execute(
    app.tenure.database.db,
  );
  return rows[0]!.n;
}

const cleanupMessages = (instance: Instance) =>
  instance.logs.filter((line) => line.msg.startsWith('session cleanup'));

if (!usingPostgres) {
  console.warn(
    '[test/ops/cleanup-instances] SKIPPED: two instances need a shared PostgreSQL (DATABASE_URL=postgres://…)',
  );
}

describe.runIf(usingPostgres)('cleanup across two instances on one PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let a: Instance;
  let b: Instance;
  let userId: string;

  beforeAll(async () => {
    database = await freshDatabaseUrl();
    // The default CLEANUP_CRON (02:00 daily) never fires during these tests: they trigger by hand.
    a = await startInstance(database.url);
    b = await startInstance(database.url);
    userId = (await registerUser(a.app)).userId;
  });
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
    await a?.app.close();
    await b?.app.close();
    await database?.drop();
  });

  it('two instances triggered at the same moment: exactly one runs, and it revokes every expired session', async () => {
    await insertExpired(a.app, userId, 30);
    const scheduleA = startCleanupSchedule(a.app, { tickHoldMs: 0 });
    const scheduleB = startCleanupSchedule(b.app, { tickHoldMs: 0 });
    try {
      const results = await Promise.all([scheduleA.trigger(), scheduleB.trigger()]);
      expect(results.map((r) => r?.ran).sort()).toEqual([false, true]);
      expect(results.find((r) => r?.ran)?.expired).toBe(30);
    } finally {
      await Promise.all([scheduleA.stop(), scheduleB.stop()]);
    }
  });

  it('an instance whose tick comes later than the winner finished still finds the tick taken', async () => {
    await insertExpired(a.app, userId, 10);
    const scheduleA = startCleanupSchedule(a.app, { tickHoldMs: 3_000 });
    const scheduleB = startCleanupSchedule(b.app, { tickHoldMs: 3_000 });
    try {
      const first = scheduleA.trigger();
      // A's work is done (no expired session left unrevoked) before B's clock ticks.
      await expect.poll(() => unrevokedExpired(a.app), { timeout: 10_000 }).toBe(0);
      const late = await scheduleB.trigger();
      expect(late?.ran).toBe(false);
      expect((await first)?.expired).toBe(10);
    } finally {
      await Promise.all([scheduleA.stop(), scheduleB.stop()]);
    }
  });

  it('on CLEANUP_CRON, each scheduled tick is run by exactly one of the two instances', async () => {
    // Croner accepts a seconds field: a tick every second makes "each tick" observable quickly.
    const c = await startInstance(database.url, { CLEANUP_CRON: '* * * * * *' });
    const d = await startInstance(database.url, { CLEANUP_CRON: '* * * * * *' });
    closers.push(
      () => c.app.close(),
      () => d.app.close(),
    );
    await insertExpired(a.app, userId, 20);
    const runsSoFar = () =>
      Promise.all(
        [c, d].map(
          async (instance) => sampleValue(await scrape(instance.app), 'tenure_cleanup_runs_total') ?? 0,
        ),
      );
    const before = await runsSoFar();
    const scheduleC = startCleanupSchedule(c.app);
    const scheduleD = startCleanupSchedule(d.app);
    const ticks = () => [...cleanupMessages(c), ...cleanupMessages(d)];
    try {
      await expect.poll(() => ticks().length, { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(6);
    } finally {
      await Promise.all([scheduleC.stop(), scheduleD.stop()]);
    }
    // Group both instances' log lines by the second their tick started in.
    const bySecond = new Map<number, string[]>();
    for (const line of ticks()) {
      const second = Math.floor(Date.parse(line.startedAt ?? '') / 1000);
      bySecond.set(second, [...(bySecond.get(second) ?? []), line.msg]);
    }
    const complete = [...bySecond.values()].filter((messages) => messages.length === 2);
    expect(complete.length).toBeGreaterThanOrEqual(2);
    for (const messages of complete) {
      expect(messages.sort()).toEqual([
        'session cleanup done',
        'session cleanup skipped: another instance holds the lock',
      ]);
    }
    expect(bySecond.size).toBeGreaterThanOrEqual(3);
    for (const messages of bySecond.values()) {
      expect(messages.filter((m) => m === 'session cleanup done')).toHaveLength(1);
    }
    // The 20 expired sessions were revoked once, by whichever instance ran first.
    const revoked = [c, d].map((instance) =>
      instance.logs.filter((l) => l.msg === 'session cleanup done').reduce((n, l) => n + (l.expired ?? 0), 0),
    );
    expect(revoked[0]! + revoked[1]!).toBe(20);
    const after = await runsSoFar();
    expect(after[0]! + after[1]! - before[0]! - before[1]!).toBe(
      ticks().filter((l) => l.msg === 'session cleanup done').length,
    );
  });
});
