/**
 * Shared state that must be the same on every server instance: the revocation denylist,
 * rate-limit counters and cross-instance events. `MemoryStore` serves the embedded default
 * (one process); `RedisStore` is used when `REDIS_URL` is set. Both pass
 * `test/store/store-contract.test.ts`.
 */
export interface Store {
  readonly kind: 'memory' | 'redis';

  /**
   * Deny every access token of session `sid` until `untilMs` (epoch ms; the latest moment a
   * token of that session can still be unexpired). Resolves once the entry is durable in the
   * shared store and has been announced to the other instances.
   */
  denySession(sid: string, untilMs: number): Promise<void>;

  /**
   * Synchronous check against this instance's in-memory copy of the denylist. Throws
   * `StoreUnavailableError` when the copy cannot be trusted (Redis connection lost and not yet
   * resynchronised): callers fail closed.
   */
  isSessionDenied(sid: string): boolean;

  /**
   * Fixed-window counter: adds 1 to `key` and returns the new count and ms left in its window.
   */
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  /** Reads a counter without changing it (0 when absent or expired). */
  peek(key: string): Promise<{ count: number; resetInMs: number }>;
  reset(key: string): Promise<void>;

  /** Set `key` only if absent, for `ttlMs`; true when this call set it (cross-instance once-only). */
  claim(key: string, ttlMs: number): Promise<boolean>;

  /** Cross-instance broadcast. Listeners on every instance (including this one) receive it. */
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, listener: (message: string) => void): () => void;

  /** Throws when the backing service is unreachable (for `/readyz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
