import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.ts';

describe('MemoryStore (embedded default)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sweeps expired denials, counters and claims on its timer, so memory stays bounded', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let now = 0;
    const store = new MemoryStore({ clock: { now: () => now }, sweepIntervalMs: 1000 });
    for (let i = 0; i < 1000; i++) {
      await store.denySession(`sid-${i}`, now + 500);
      await store.hit(`ip-${i}`, 500);
      await store.claim(`job-${i}`, 500);
    }
    await store.denySession('long', now + 60_000);
    expect(store.sizes()).toEqual({ deniedSessions: 1001, counters: 1000, claims: 1000 });
    now += 600;
    vi.advanceTimersByTime(1000);
    expect(store.sizes()).toEqual({ deniedSessions: 1, counters: 0, claims: 0 });
    expect(store.isSessionDenied('long')).toBe(true);
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('forgets the oldest counter beyond maxCounters but never drops a denial to make room', async () => {
    const store = new MemoryStore({ maxCounters: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await store.hit(key, 60_000);
    expect((await store.peek('a')).count).toBe(0);
    expect((await store.peek('d')).count).toBe(1);
    for (let i = 0; i < 10; i++) await store.denySession(`sid-${i}`, Date.now() + 60_000);
    for (let i = 0; i < 10; i++) expect(store.isSessionDenied(`sid-${i}`)).toBe(true);
    await store.close();
  });

  it('refuses to answer once closed rather than report "not denied"', async () => {
    const store = new MemoryStore();
    await store.denySession('sid', Date.now() + 60_000);
    await store.close();
    expect(() => store.isSessionDenied('sid')).toThrow(expect.objectContaining({ code: 'unavailable' }));
    await expect(store.hit('k', 1000)).rejects.toMatchObject({ code: 'unavailable' });
  });
});
