import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { adminClient } from './redis-env.ts';

/** A throwaway Redis without persistence, so a restart comes back empty. */
const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedisServer) {
  if (process.env.CI) throw new Error('CI is set but redis-server is not installed');
  console.warn('Redis restart tests skipped: no redis-server binary on PATH');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const admin = adminClient(`redis://127.0.0.1:${port}`);
  admin.on('error', () => {});
  try {
    await vi.waitFor(() => admin.ping(), { timeout: 5000, interval: 20 });
  } finally {
    admin.disconnect();
  }
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const failWaiting = { timeout: 5000, interval: 1 };

describe.skipIf(!haveRedisServer)('RedisStore across a Redis restart that loses all data', () => {
  let server: ChildProcess | undefined;
  const stores: RedisStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    if (server) await stopRedis(server);
  });

  it('fails closed while Redis is down, and afterwards no instance, not even a new one, forgets a denial', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    server = await startRedis(port);
    const [a, b] = await Promise.all([RedisStore.connect({ url }), RedisStore.connect({ url })]);
    stores.push(a, b);
    const revoked = randomUUID();
    await a.denySession(revoked, Date.now() + 60_000);
    await vi.waitFor(() => expect(b.isSessionDenied(revoked)).toBe(true));

    await stopRedis(server);
    await vi.waitFor(
      () => expect(() => b.isSessionDenied(revoked)).toThrow(StoreUnavailableError),
      failWaiting,
    );
    await vi.waitFor(
      () => expect(() => a.isSessionDenied(revoked)).toThrow(StoreUnavailableError),
      failWaiting,
    );
    await expect(a.hit('login:ip', 1000)).rejects.toMatchObject({ code: 'unavailable' });

    server = await startRedis(port); // empty: no persistence
    await vi.waitFor(() => expect(a.isSessionDenied(revoked)).toBe(true), failWaiting);
    await vi.waitFor(() => expect(b.isSessionDenied(revoked)).toBe(true), failWaiting);
    // The survivors wrote the lost entry back, so an instance started now learns it too.
    await vi.waitFor(async () => {
      const late = await RedisStore.connect({ url });
      stores.push(late);
      expect(late.isSessionDenied(revoked)).toBe(true);
    }, failWaiting);
    await expect(a.hit('login:ip', 1000)).resolves.toMatchObject({ count: 1 });
  });
});
