import type { TabLocks } from '../../src/tab-sync.ts';

/**
 * An in-memory Web Locks manager with the semantics we rely on: exclusive, FIFO, and
 * `ifAvailable` granting `null` when the lock is held or queued for.
 */
export function createFakeLocks(): TabLocks & { requests: number } {
  const tails = new Map<string, Promise<void>>();
  const busy = new Map<string, number>();
  const locks = {
    requests: 0,
    async request<T>(
      name: string,
      options: { ifAvailable?: boolean },
      callback: (lock: unknown) => Promise<T>,
    ): Promise<T> {
      locks.requests += 1;
      if (options.ifAvailable && (busy.get(name) ?? 0) > 0) return callback(null);
      busy.set(name, (busy.get(name) ?? 0) + 1);
      const previous = tails.get(name) ?? Promise.resolve();
      let release = () => {};
      tails.set(
        name,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
      await previous;
      try {
        return await callback({ name, mode: 'exclusive' });
      } finally {
        busy.set(name, (busy.get(name) ?? 1) - 1);
        release();
      }
    },
  };
  return locks;
}

/** Install (or remove, with undefined) a Web Locks manager on this window's navigator. */
export function installLocks(locks: TabLocks | undefined): void {
  Object.defineProperty(globalThis.navigator, 'locks', { value: locks ?? null, configurable: true });
}
