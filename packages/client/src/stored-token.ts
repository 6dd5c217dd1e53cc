import type { TokenStorage } from './types.ts';

/**
 * The refresh token of `transport: 'body'`: this process's newest copy in memory, written
 * through to the app's `storage` so the next run can restore the session.
 */
export interface StoredRefreshToken {
  /** The token; read from storage only while this process has not learnt or forgotten one. */
  get(): Promise<string | undefined>;
  /** Keep a new token; resolves once storage has it. */
  set(token: string): Promise<void>;
  /**
   * Keep a refresh's successor only if the token it replaces is still the current one: a
   * sign-out or another sign-in that came first wins. Resolves to whether it was kept.
   */
  replace(previous: string, next: string): Promise<boolean>;
  /** Forget the token here at once; resolves once storage has forgotten it too. */
  clear(): Promise<void>;
}

export function createStoredRefreshToken(storage: TokenStorage): StoredRefreshToken {
  // undefined: not read yet; null: known to be none (nothing stored, or forgotten).
  let current: string | null | undefined;
  let clearing: Promise<void> | undefined;
  // Storage calls run one after another in call order, so the delete of an ended session can
  // never land after the next sign-in's set, nor a read return a token already replaced.
  let queue: Promise<unknown> = Promise.resolve();

  function inTurn<T>(operation: () => Promise<T>): Promise<T> {
    const run = queue.then(operation, operation);
    queue = run.catch(() => undefined);
    return run;
  }

  function set(token: string): Promise<void> {
    current = token;
    clearing = undefined;
    return inTurn(() => storage.set(token));
  }

  return {
    async get() {
      if (current === undefined) {
        const stored = await inTurn(() => storage.get());
        // A set or clear that happened while we read is newer than what we read.
        if (current === undefined) current = typeof stored === 'string' && stored !== '' ? stored : null;
      }
      return current ?? undefined;
    },
    set,
    async replace(previous, next) {
      if (current !== previous) return false;
      await set(next);
      return true;
    },
    clear() {
      // Ten requests that all learn the session ended share one delete.
      if (clearing) return clearing;
      current = null;
      const run = inTurn(() => storage.delete());
      clearing = run;
      return run;
    },
  };
}
