import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { usingPostgres } from '../helpers/database.ts';

// /readyz says whether this instance can serve (PostgreSQL and, when configured, Redis
// answer): 503 `unavailable` while either is gone, 200 again once it is back, with no restart.
// /healthz only says the process is up. The shared PostgreSQL server is never stopped: this
// app's own database stops accepting connections. Redis is a throwaway redis-server.
const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedisServer) {
  if (process.env.CI) throw new Error('CI is set but redis-server is not installed');
  console.warn('[test/ops/readiness] Redis readiness case skipped: no redis-server binary on PATH');
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function probe(t: TestApp) {
  const [ready, health] = await Promise.all([
    t.app.inject({ method: 'GET', url: '/readyz' }),
    t.app.inject({ method: 'GET', url: '/healthz' }),
  ]);
  return { ready: ready.statusCode, code: ready.json()?.error?.code, health: health.statusCode };
}

const recovers = { timeout: 20_000, interval: 100 };

if (!usingPostgres) {
  console.warn('[test/ops/readiness] PostgreSQL case SKIPPED: it needs DATABASE_URL=postgres://…');
}

describe.runIf(usingPostgres)('/readyz and PostgreSQL', () => {
  it('turns 503 when PostgreSQL is unreachable and 200 again when it is back, without a restart', async () => {
    // Dropped connections must not surface as uncaught errors: in production they stop the process.
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    cleanups.push(async () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    });
    const t = await buildTestApp();
    cleanups.push(() => t.close());
    const database = new URL(t.config.databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    cleanups.push(async () => {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      await admin.end();
    });
    expect(await probe(t)).toEqual({ ready: 200, code: undefined, health: 200 });

    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      database,
    ]);
    expect(await probe(t)).toEqual({ ready: 503, code: 'unavailable', health: 200 });

    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    await expect.poll(() => probe(t), recovers).toEqual({ ready: 200, code: undefined, health: 200 });
    expect(uncaught).toEqual([]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function startRedis(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe.skipIf(!haveRedisServer)('/readyz and Redis', () => {
  it('turns 503 when the configured Redis stops and 200 again when it is back, without a restart', async () => {
    const port = await freePort();
    let redis = startRedis(port);
    cleanups.push(() => stopRedis(redis));
    await listening(port);
    const t = await buildTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    cleanups.push(() => t.close());
    expect(await probe(t)).toEqual({ ready: 200, code: undefined, health: 200 });

    await stopRedis(redis);
    await expect.poll(() => probe(t), recovers).toEqual({ ready: 503, code: 'unavailable', health: 200 });

    redis = startRedis(port);
    await expect.poll(() => probe(t), recovers).toEqual({ ready: 200, code: undefined, health: 200 });
  });
});

/** Resolves once something accepts connections on the port (redis-server takes a moment). */
async function listening(port: number): Promise<void> {
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  await expect.poll(accepts, { timeout: 10_000, interval: 20 }).toBe(true);
}
