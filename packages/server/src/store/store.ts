/**
 * Shared state that must be the same on every server instance: the revocation denylist,
 * rate-limit counters and once-only claims. `MemoryStore` serves the embedded default
 * (one process); `RedisStore` is used when `REDIS_URL` is set. Both pass
 * `test/store/store-contract.test.ts`.
 *
 * Every asynchronous method rejects with `StoreUnavailableError` (HTTP 503) when the backing
 * service cannot be reached.
 */
export interface Store {
  readonly kind: 'memory' | 'redis';

  /**
   * Deny every access token of session `sid` until `untilMs` (epoch ms; the latest moment a
   * token of that session can still be unexpired). Resolves once the entry is durable in the
   * shared store and has been announced to the other instances. Denying again never shortens
   * an existing entry; a moment already past is a no-op.
   */
  denySession(sid: string, untilMs: number): Promise<void>;

  /**
   * Synchronous check against this instance's in-memory copy of the denylist. Throws
   * `StoreUnavailableError` when the copy cannot be trusted (Redis connection lost and not yet
   * resynchronised): callers fail closed.
   */
  isSessionDenied(sid: string): boolean;

  /**
   * Counter: adds 1 to `key` and returns the new count and ms left in its window. The window
   * starts at the first hit. With `options.max`, `options.onExceed` decides what a hit beyond
   * `max` does to the window (see {@link HitOptions}).
   */
  hit(key: string, windowMs: number, options?: HitOptions): Promise<CounterState>;
  /** Reads a counter without changing it (`{ count: 0, resetInMs: 0 }` when absent or expired). */
  peek(key: string): Promise<CounterState>;
  reset(key: string): Promise<void>;

  /** Set `key` only if absent, for `ttlMs`; true when this call set it (cross-instance once-only). */
  claim(key: string, ttlMs: number): Promise<boolean>;

  /**
   * Throws `StoreUnavailableError` when the backing service is unreachable or this instance's
   * denylist copy is not synchronised (for `/readyz`).
   */
  ping(): Promise<void>;
  /** Releases connections and timers. The store cannot be used afterwards. */
  close(): Promise<void>;
}

export interface CounterState {
  count: number;
  /** Milliseconds until the window ends and the counter is gone. */
  resetInMs: number;
}

export interface HitOptions {
  /** The limit the caller enforces; only needed for `onExceed`. */
  max?: number;
  /**
   * What a hit beyond `max` does to the window:
   * - `'keep'`: nothing, a fixed window (the counter resets when the window ends);
   * - `'restart'`: the window starts again, so a client that keeps hammering stays blocked.
   * @default 'keep'
   */
  onExceed?: 'keep' | 'restart';
}

/** Anything with pino's `(obj, msg)` methods, e.g. `app.log`. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A source of epoch milliseconds; the server's `Clock` fits. */
export interface StoreClock {
  now(): number;
}

export const silentLogger: StoreLogger = { info() {}, warn() {}, error() {} };
