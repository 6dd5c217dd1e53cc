import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { dropPrefix, randomPrefix, redisAvailable, redisUrl, sleep } from './redis-env.ts';

/**
 * Two server instances over one backend, and a way to let time pass. For memory both
 * "instances" are one object (one process); for Redis they are two stores on one Redis.
 */
interface Instances {
  a: Store;
  b: Store;
  now(): number;
  /** Memory moves its injected clock; Redis counts expiry on its own clock, so we wait. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

interface Backend {
  name: string;
  available: boolean;
  open(): Promise<Instances>;
}

const memory: Backend = {
  name: 'MemoryStore',
  available: true,
  async open() {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock: { now: () => now } });
    return {
      a: store,
      b: store,
      now: () => now,
      advance: async (ms) => {
        now += ms;
      },
      close: () => store.close(),
    };
  },
};

const redis: Backend = {
  name: 'RedisStore',
  available: redisAvailable,
  async open() {
    const keyPrefix = randomPrefix();
    const [a, b] = await Promise.all([
      RedisStore.connect({ url: redisUrl, keyPrefix }),
      RedisStore.connect({ url: redisUrl, keyPrefix }),
    ]);
    return {
      a,
      b,
      now: () => Date.now(),
      advance: sleep,
      close: async () => {
        await Promise.all([a.close(), b.close()]);
        await dropPrefix(keyPrefix);
      },
    };
  },
};

const sid = () => randomUUID();

describe.each([memory, redis])('Store contract: $name', (backend) => {
  describe.skipIf(!backend.available)('', () => {
    let s: Instances;
    beforeEach(async () => {
      s = await backend.open();
    });
    afterEach(async () => {
      await s.close();
    });

    it('a denied session is refused on the instance that denied it as soon as denySession resolves', async () => {
      const session = sid();
      expect(s.a.isSessionDenied(session)).toBe(false);
      await s.a.denySession(session, s.now() + 60_000);
      expect(s.a.isSessionDenied(session)).toBe(true);
      expect(s.a.isSessionDenied(sid())).toBe(false);
    });

    it('a denied session is refused on every other instance too', async () => {
      const session = sid();
      await s.a.denySession(session, s.now() + 60_000);
      await vi.waitFor(() => expect(s.b.isSessionDenied(session)).toBe(true), { timeout: 1000, interval: 2 });
    });

    it('a denial ends at its expiry, and denying again never shortens it', async () => {
      const short = sid();
      const extended = sid();
      await s.a.denySession(short, s.now() + 300);
      await s.a.denySession(extended, s.now() + 300);
      await s.a.denySession(extended, s.now() + 60_000);
      await s.a.denySession(extended, s.now() + 100);
      await s.a.denySession(sid(), s.now() - 1); // already past: nothing to deny
      await vi.waitFor(() => expect(s.b.isSessionDenied(extended)).toBe(true), {
        timeout: 1000,
        interval: 2,
      });
      await s.advance(350);
      expect(s.a.isSessionDenied(short)).toBe(false);
      expect(s.b.isSessionDenied(short)).toBe(false);
      expect(s.a.isSessionDenied(extended)).toBe(true);
      expect(s.b.isSessionDenied(extended)).toBe(true);
    });

    it('hit counts across instances within one window, and peek reads without counting', async () => {
      expect(await s.a.peek('login:ip:1')).toEqual({ count: 0, resetInMs: 0 });
      const first = await s.a.hit('login:ip:1', 60_000);
      expect(first.count).toBe(1);
      expect(first.resetInMs).toBeGreaterThan(59_000);
      expect(first.resetInMs).toBeLessThanOrEqual(60_000);
      expect((await s.b.hit('login:ip:1', 60_000)).count).toBe(2);
      expect((await s.a.hit('login:ip:1', 60_000)).count).toBe(3);
      const peeked = await s.b.peek('login:ip:1');
      expect(peeked.count).toBe(3);
      expect(peeked.resetInMs).toBeGreaterThan(0);
      expect((await s.b.peek('login:ip:1')).count).toBe(3);
      expect((await s.a.hit('login:ip:2', 60_000)).count).toBe(1);
    });

    it('a counter starts again from 1 once its window has passed', async () => {
      await s.a.hit('refresh:sid', 250);
      await s.b.hit('refresh:sid', 250);
      await s.advance(300);
      expect(await s.a.peek('refresh:sid')).toEqual({ count: 0, resetInMs: 0 });
      expect((await s.b.hit('refresh:sid', 250)).count).toBe(1);
    });

    it('reset forgets a counter on every instance', async () => {
      await s.a.hit('login:account:x', 60_000);
      await s.a.hit('login:account:x', 60_000);
      await s.b.reset('login:account:x');
      expect((await s.a.peek('login:account:x')).count).toBe(0);
      expect((await s.a.hit('login:account:x', 60_000)).count).toBe(1);
    });

    it('beyond max, "restart" starts the window again; otherwise it stays fixed', async () => {
      for (let i = 0; i < 2; i++) await s.a.hit('r', 10_000, { max: 2, onExceed: 'restart' });
      await s.advance(100);
      expect(await s.b.hit('r', 10_000, { max: 2, onExceed: 'restart' })).toEqual({
        count: 3,
        resetInMs: 10_000,
      });
      expect((await s.a.peek('r')).resetInMs).toBeGreaterThan(9_900);

      for (let i = 0; i < 3; i++) await s.a.hit('k', 10_000, { max: 2 });
      await s.advance(100);
      const kept = await s.b.hit('k', 10_000, { max: 2, onExceed: 'keep' });
      expect(kept.count).toBe(4);
      expect(kept.resetInMs).toBeLessThanOrEqual(9_900);
    });

    it('claim succeeds exactly once across instances until its ttl passes', async () => {
      const results = await Promise.all([
        s.a.claim('cleanup:2026-01-01', 250),
        s.b.claim('cleanup:2026-01-01', 250),
        s.a.claim('cleanup:2026-01-01', 250),
        s.b.claim('cleanup:2026-01-01', 250),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await s.b.claim('cleanup:other', 250)).toBe(true);
      await s.advance(300);
      expect(await s.b.claim('cleanup:2026-01-01', 250)).toBe(true);
    });

    it('ping answers while the backend is up', async () => {
      await expect(s.a.ping()).resolves.toBeUndefined();
      await expect(s.b.ping()).resolves.toBeUndefined();
    });
  });

  it.skipIf(!backend.available)('close leaves no open sockets or timers behind', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length;
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const clearIntervalSpy = vi.spyOn(globalThis, 'clearInterval');
    try {
      const s = await backend.open();
      await s.a.denySession(sid(), s.now() + 1000);
      await s.a.hit('x', 1000);
      await s.close();
      const created = setIntervalSpy.mock.results.map((r) => r.value);
      expect(created.length).toBeGreaterThan(0);
      const cleared = new Set(clearIntervalSpy.mock.calls.map(([handle]) => handle));
      expect(created.filter((handle) => !cleared.has(handle))).toEqual([]);
      await vi.waitFor(() =>
        expect(process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length).toBeLessThanOrEqual(
          before,
        ),
      );
      await expect(s.a.ping()).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      setIntervalSpy.mockRestore();
      clearIntervalSpy.mockRestore();
    }
  });
});
