import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { TenureError, toEnvelope } from '../../src/errors.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { namespacedRateLimit, rateLimitStore } from '../../src/store/rate-limit-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { dropPrefix, randomPrefix, redisAvailable, redisUrl } from './redis-env.ts';

/** One server instance: a login route limited to 3 per window, a backoff route, and a manual limiter. */
async function buildApp(store: Store): Promise<FastifyInstance> {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof TenureError) return reply.code(error.status).send(toEnvelope(error));
    throw error; // the plugin's own 429 goes to Fastify's default handler
  });
  await app.register(rateLimit, { global: false, store: rateLimitStore(store) });
  app.post('/login', { config: { rateLimit: { max: 3, timeWindow: 60_000 } } }, async () => ({ ok: true }));
  app.post('/register', { config: { rateLimit: { max: 3, timeWindow: 60_000 } } }, async () => ({
    ok: true,
  }));
  app.post(
    '/backoff',
    { config: { rateLimit: { max: 1, timeWindow: 1000, exponentialBackoff: true } } },
    async () => ({ ok: true }),
  );
  // Same key (the IP) in two limiters: only the namespace keeps them apart.
  const perAccount = namespacedRateLimit(app, 'account', { max: 1, timeWindow: 60_000 });
  const perIp = namespacedRateLimit(app, 'ip', { max: 1, timeWindow: 60_000 });
  app.post('/manual', async (request) => ({ account: await perAccount(request), ip: await perIp(request) }));
  await app.ready();
  return app;
}

interface Pair {
  one: FastifyInstance;
  two: FastifyInstance;
  close(): Promise<void>;
}

const backends: Array<{ name: string; available: boolean; open(): Promise<Pair> }> = [
  {
    name: 'MemoryStore',
    available: true,
    async open() {
      const store = new MemoryStore();
      const one = await buildApp(store);
      const close = async () => {
        await one.close();
        await store.close();
      };
      return { one, two: one, close };
    },
  },
  {
    name: 'RedisStore',
    available: redisAvailable,
    async open() {
      const keyPrefix = randomPrefix();
      const stores = await Promise.all([1, 2].map(() => RedisStore.connect({ url: redisUrl, keyPrefix })));
      const [one, two] = await Promise.all(stores.map(buildApp));
      return {
        one: one!,
        two: two!,
        close: async () => {
          await Promise.all([one!.close(), two!.close(), ...stores.map((s) => s.close())]);
          await dropPrefix(keyPrefix);
        },
      };
    },
  },
];

describe.each(backends)('@fastify/rate-limit on $name', (backend) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it.skipIf(!backend.available)(
    'the 4th login from one IP within the window gets 429 with Retry-After, on any instance',
    async () => {
      pair = await backend.open();
      const statuses: number[] = [];
      for (const app of [pair.one, pair.two, pair.one]) {
        statuses.push((await app.inject({ method: 'POST', url: '/login' })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200]);
      const limited = await pair.two.inject({ method: 'POST', url: '/login' });
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Another route keeps its own count.
      expect((await pair.one.inject({ method: 'POST', url: '/register' })).statusCode).toBe(200);
    },
  );

  it.skipIf(!backend.available)('with exponentialBackoff each further attempt doubles the wait', async () => {
    pair = await backend.open();
    expect((await pair.one.inject({ method: 'POST', url: '/backoff' })).statusCode).toBe(200);
    const waits: number[] = [];
    for (const app of [pair.two, pair.one, pair.two]) {
      const response = await app.inject({ method: 'POST', url: '/backoff' });
      expect(response.statusCode).toBe(429);
      waits.push(Number(response.headers['retry-after']));
    }
    expect(waits).toEqual([1, 2, 4]);
  });

  it.skipIf(!backend.available)('limiters made with createRateLimit count apart by namespace', async () => {
    pair = await backend.open();
    const first = (await pair.one.inject({ method: 'POST', url: '/manual' })).json();
    expect(first.account).toMatchObject({ isExceeded: false, remaining: 0 });
    expect(first.ip).toMatchObject({ isExceeded: false, remaining: 0 });
    const second = (await pair.two.inject({ method: 'POST', url: '/manual' })).json();
    expect(second.account.isExceeded).toBe(true);
    expect(second.ip.isExceeded).toBe(true);
  });

  it.skipIf(!backend.available)(
    'a store outage reaches the error handler as 503 unavailable, never a pass',
    async () => {
      const store =
        backend.name === 'MemoryStore' ? new MemoryStore() : await RedisStore.connect({ url: redisUrl });
      const app = await buildApp(store);
      await store.close();
      const response = await app.inject({ method: 'POST', url: '/login' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: { code: 'unavailable' } });
      await app.close();
    },
  );
});
