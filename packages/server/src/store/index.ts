export { type CreateStoreOptions, createStore } from './create-store.ts';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.ts';
export { namespacedRateLimit, rateLimitStore } from './rate-limit-store.ts';
export { RedisStore, type RedisStoreOptions } from './redis-store.ts';
export type { CounterState, HitOptions, Store, StoreClock, StoreLogger } from './store.ts';
