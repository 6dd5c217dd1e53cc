import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TenureError, toEnvelope } from '../../src/errors.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { namespacedRateLimit, rateLimitStore } from '../../src/store/rate-limit-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { dropPrefix, randomPrefix, redisAvailable, redisUrl } from './redis-env.ts';

/** One server instance: two limiters on the same key (the client IP), kept apart by namespace. */
async function buildApp(store: Store): Promise<FastifyInstance> {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof TenureError) return reply.code(error.status).send(toEnvelope(error));
    throw error;
  });
  await app.register(rateLimit, { global: false, store: rateLimitStore(store) });
  const login = namespacedRateLimit(app, 'login', { max: 3, timeWindow: 60_000 });
  const register = namespacedRateLimit(app, 'register', { max: 3, timeWindow: 60_000 });
  app.post('/login', async (request) => login(request));
  app.post('/register', async (request) => register(request));
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

const attempt = async (app: FastifyInstance, url: string) =>
  (await app.inject({ method: 'POST', url })).json();

describe.each(backends)('@fastify/rate-limit on $name', (backend) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it.skipIf(!backend.available)(
    'the 4th login from one IP within the window is exceeded on any instance, with the time left',
    async () => {
      pair = await backend.open();
      const remaining: number[] = [];
      for (const app of [pair.one, pair.two, pair.one]) {
        const result = await attempt(app, '/login');
        expect(result.isExceeded).toBe(false);
        remaining.push(result.remaining);
      }
      expect(remaining).toEqual([2, 1, 0]);
      const limited = await attempt(pair.two, '/login');
      expect(limited.isExceeded).toBe(true);
      expect(limited.ttlInSeconds).toBeGreaterThan(50);
      expect(limited.ttlInSeconds).toBeLessThanOrEqual(60);
    },
  );

  it.skipIf(!backend.available)('limiters made with namespacedRateLimit count apart', async () => {
    pair = await backend.open();
    for (let i = 0; i < 4; i++) await attempt(pair.one, '/login');
    expect(await attempt(pair.two, '/register')).toMatchObject({ isExceeded: false, remaining: 2 });
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

describe('rateLimitStore refuses what it does not count, rather than count differently', () => {
  const store = new MemoryStore();
  afterAll(() => store.close());

  it('continueExceeding and exponentialBackoff', async () => {
    for (const mode of ['continueExceeding', 'exponentialBackoff']) {
      const app = Fastify();
      await expect(
        app.register(rateLimit, { global: false, store: rateLimitStore(store), [mode]: true }),
      ).rejects.toThrow(/fixed windows/);
      await app.close();
      const other = Fastify();
      await other.register(rateLimit, { global: false, store: rateLimitStore(store) });
      const options = { max: 1, timeWindow: 1000, [mode]: true };
      expect(() => namespacedRateLimit(other, 'x', options)).toThrow(/fixed windows/);
      await other.close();
    }
  });

  it('a limiter without its own namespace (a route config.rateLimit, a bare createRateLimit)', async () => {
    const app = Fastify();
    await app.register(rateLimit, { global: false, store: rateLimitStore(store) });
    expect(() => app.createRateLimit({ max: 1, timeWindow: 1000 })).toThrow(/namespace/);
    const route = { config: { rateLimit: { max: 1, timeWindow: 1000 } } };
    expect(() => app.post('/limited', route, async () => ({}))).toThrow(/namespace/);
    await app.close();
  });
});
