import { MemoryStore } from './memory-store.ts';
import { RedisStore } from './redis-store.ts';
import type { Store, StoreClock, StoreLogger } from './store.ts';

interface CreateStoreOptions {
  /** `REDIS_URL`: a `RedisStore` when set, otherwise the in-process `MemoryStore`. */
  redisUrl?: string | undefined;
  /** @default 'tenure:' */
  keyPrefix?: string | undefined;
  logger?: StoreLogger | undefined;
  /** @default Date.now */
  clock?: StoreClock | undefined;
  /** How long to wait for Redis at start before giving up. @default 5000 */
  connectTimeoutMs?: number | undefined;
}

/**
 * The store for this server. With Redis, resolves once connected and synchronised, and
 * rejects with `StoreUnavailableError` (naming `REDIS_URL`) when Redis does not answer.
 */
export async function createStore(options: CreateStoreOptions = {}): Promise<Store> {
  const { redisUrl, keyPrefix, logger, clock } = options;
  if (redisUrl === undefined || redisUrl === '') {
    return new MemoryStore({ ...(clock && { clock }) });
  }
  return RedisStore.connect(
    {
      url: redisUrl,
      ...(keyPrefix !== undefined && { keyPrefix }),
      ...(logger && { logger }),
      ...(clock && { clock }),
    },
    options.connectTimeoutMs ?? 5000,
  );
}
