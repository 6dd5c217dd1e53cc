import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.ts';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis-store.ts';
import { adminClient, dropPrefix, randomPrefix, redisAvailable, redisUrl, sleep } from './redis-env.ts';
import { TcpProxy } from './tcp-proxy.ts';

const unavailable = { code: 'unavailable', status: 503 };
const refusesToAnswer = (store: RedisStore, sid: string) => () =>
  expect(() => store.isSessionDenied(sid)).toThrow(StoreUnavailableError);
const waitLong = { timeout: 5000, interval: 1 };

describe.skipIf(!redisAvailable)('RedisStore against real Redis', () => {
  let keyPrefix: string;
  let proxy: TcpProxy;
  let direct: RedisStore;
  const opened: RedisStore[] = [];

  /** A second instance whose only way to Redis is the proxy. */
  async function openThroughProxy(options: Partial<RedisStoreOptions> = {}): Promise<RedisStore> {
    const store = await RedisStore.connect({ url: proxy.urlFor(redisUrl), keyPrefix, ...options });
    opened.push(store);
    return store;
  }

  beforeEach(async () => {
    keyPrefix = randomPrefix();
    proxy = await TcpProxy.start(redisUrl);
    direct = await RedisStore.connect({ url: redisUrl, keyPrefix });
    opened.push(direct);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await proxy.close();
    await dropPrefix(keyPrefix);
  });

  it('stores the denylist keyed on the session id, with an expiry so Redis forgets it', async () => {
    const sid = randomUUID();
    const until = Date.now() + 60_000;
    await direct.denySession(sid, until);
    const admin = adminClient();
    try {
      expect(Number(await admin.zscore(`${keyPrefix}denylist`, sid))).toBe(until);
      const ttl = await admin.pttl(`${keyPrefix}denylist`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      admin.disconnect();
    }
  });

  it('fails closed while cut off from Redis, and on return sees the denials made meanwhile', async () => {
    const other = await openThroughProxy();
    const deniedWhileAway = randomUUID();
    expect(other.isSessionDenied(deniedWhileAway)).toBe(false);

    proxy.cut();
    await vi.waitFor(refusesToAnswer(other, deniedWhileAway), waitLong);
    await direct.denySession(deniedWhileAway, Date.now() + 60_000);
    // Every operation fails fast with a 503-mapped error instead of hanging.
    await expect(other.hit('k', 1000)).rejects.toMatchObject(unavailable);
    await expect(other.peek('k')).rejects.toMatchObject(unavailable);
    await expect(other.claim('k', 1000)).rejects.toMatchObject(unavailable);
    await expect(other.denySession(randomUUID(), Date.now() + 1000)).rejects.toMatchObject(unavailable);
    await expect(other.ping()).rejects.toMatchObject(unavailable);

    proxy.restore();
    // Only the full re-read on reconnect can have told it: it was cut off when the denial was published.
    await vi.waitFor(() => expect(other.isSessionDenied(deniedWhileAway)).toBe(true), waitLong);
    await expect(other.ping()).resolves.toBeUndefined();

    // Subscribed again: a denial made now reaches it as a message, with no re-read.
    const deniedAfter = randomUUID();
    await direct.denySession(deniedAfter, Date.now() + 60_000);
    await vi.waitFor(() => expect(other.isSessionDenied(deniedAfter)).toBe(true));
  });

  it('fails closed after its subscriber connection is killed (CLIENT KILL) and recovers by itself', async () => {
    const connectionName = `tenure-test-${randomUUID().slice(0, 8)}`;
    const other = await openThroughProxy({ connectionName });
    const sid = randomUUID();
    const admin = adminClient();
    try {
      const list = String(await admin.client('LIST'));
      const subLine = list.split('\n').find((line) => line.includes(`name=${connectionName}-sub `));
      expect(subLine).toBeDefined();
      const id = /\bid=(\d+)/.exec(subLine ?? '')?.[1];
      await admin.client('KILL', 'ID', String(id));
    } finally {
      admin.disconnect();
    }
    await vi.waitFor(refusesToAnswer(other, sid), waitLong);
    await vi.waitFor(() => expect(other.isSessionDenied(sid)).toBe(false), waitLong);
    await direct.denySession(sid, Date.now() + 60_000);
    await vi.waitFor(() => expect(other.isSessionDenied(sid)).toBe(true), waitLong);
  });

  it('notices a silent partition through its heartbeat, fails closed, and recovers when it heals', async () => {
    const other = await openThroughProxy({
      heartbeatIntervalMs: 50,
      commandTimeoutMs: 200,
      connectTimeoutMs: 300,
    });
    const sid = randomUUID();
    proxy.freeze();
    await vi.waitFor(refusesToAnswer(other, sid), waitLong);
    await direct.denySession(sid, Date.now() + 60_000);
    proxy.restore();
    await vi.waitFor(() => expect(other.isSessionDenied(sid)).toBe(true), waitLong);
  });

  it('a healthy connection stays synchronised through its heartbeats (no flapping)', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const other = await openThroughProxy({ heartbeatIntervalMs: 20, logger });
    await sleep(300);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(other.isSessionDenied(randomUUID())).toBe(false);
  });

  it('connect gives up with an error naming REDIS_URL when no Redis answers, leaving nothing open', async () => {
    proxy.cut();
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length;
    const attempt = RedisStore.connect({ url: proxy.urlFor(redisUrl), keyPrefix }, 300);
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(attempt).rejects.toMatchObject({ cause: { message: expect.stringContaining('REDIS_URL') } });
    await vi.waitFor(() =>
      expect(process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length).toBeLessThanOrEqual(
        before,
      ),
    );
  });
});
