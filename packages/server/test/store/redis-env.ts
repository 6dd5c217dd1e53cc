import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the store tests use: `REDIS_URL`, or the local default. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function probe(): Promise<boolean> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether the Redis cases can run. Never a silent skip: in CI a missing Redis fails the run;
 * elsewhere the skip is announced.
 */
export const redisAvailable = await probe();
if (!redisAvailable) {
  if (process.env.CI) throw new Error(`CI is set but there is no Redis at ${redisUrl} (REDIS_URL)`);
  console.warn(`Redis tests skipped: no Redis at ${redisUrl} (set REDIS_URL or start redis-server)`);
}

/** A key prefix no other test run shares. */
export function randomPrefix(): string {
  return `tenure-test:${randomUUID()}:`;
}

/** A plain client for inspecting and tampering with Redis from a test. */
export function adminClient(url = redisUrl): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

/** Deletes every key a test created under `prefix`. */
export async function dropPrefix(prefix: string): Promise<void> {
  const client = adminClient();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
