import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.ts';
import { redisAvailable, redisUrl } from './redis-env.ts';

describe('createStore', () => {
  it('uses the in-process store when REDIS_URL is not set', async () => {
    const store = await createStore({});
    expect(store.kind).toBe('memory');
    await store.close();
  });

  it.skipIf(!redisAvailable)('uses Redis when REDIS_URL is set, ready to answer at once', async () => {
    const store = await createStore({ redisUrl, keyPrefix: 'tenure-test-create:' });
    expect(store.kind).toBe('redis');
    expect(store.isSessionDenied('no-such-session')).toBe(false);
    await store.close();
  });

  it('stops the start with an error naming REDIS_URL when Redis does not answer', async () => {
    const attempt = createStore({ redisUrl: 'redis://:secret@127.0.0.1:1', connectTimeoutMs: 300 });
    await expect(attempt).rejects.toMatchObject({
      code: 'unavailable',
      cause: { message: expect.stringMatching(/REDIS_URL.*:\*\*\*@127\.0\.0\.1:1/) },
    });
  });
});
