import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  authed,
  buildTestApp,
  loginAs,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { expectEnvelope } from '../helpers/inspect.ts';
import { haveRedisServer, ThrowawayRedis } from './throwaway-redis.ts';

// with Redis unreachable, authenticated routes fail closed (503) — a revoked token
// never passes — and the server recovers by itself when Redis returns (here: empty).
describe.skipIf(!haveRedisServer)('a Redis outage', () => {
  let redis: ThrowawayRedis;
  let t: TestApp;
  let live: SignedIn;
  let revoked: SignedIn;
  const me = (token: string) => authed(t.app, token, 'GET', '/api/auth/me');
  const waiting = { timeout: 15_000, interval: 50 };

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
    t = await buildTestApp({ REDIS_URL: redis.url });
    live = await registerUser(t.app);
    revoked = await loginAs(t.app, live.email);
    expect(
      (await authed(t.app, live.accessToken, 'DELETE', `/api/auth/sessions/${revoked.sessionId}`)).statusCode,
    ).toBe(204);
    expectEnvelope(await me(revoked.accessToken), 401, 'session_revoked');
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('while Redis is down, every token — live or revoked — gets 503, never 200', async () => {
    await redis.stop();
    await vi.waitFor(async () => expect((await me(live.accessToken)).statusCode).toBe(503), waiting);
    expectEnvelope(await me(live.accessToken), 503, 'unavailable');
    expectEnvelope(await me(revoked.accessToken), 503, 'unavailable');
    const response = await me(revoked.accessToken);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).not.toMatch(/at .*\.ts/);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
  });

  it('sign-ins fail closed too: the limiter cannot count, so nobody gets unlimited guesses', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: live.email, password: 'a guess at the password' },
    });
    expectEnvelope(response, 503, 'unavailable');
  });

  it('when Redis returns (empty), service resumes and the revoked session stays revoked', async () => {
    await redis.restart();
    await vi.waitFor(async () => expect((await me(live.accessToken)).statusCode).toBe(200), waiting);
    expectEnvelope(await me(revoked.accessToken), 401, 'session_revoked');
    expect((await loginAs(t.app, live.email)).userId).toBe(live.userId);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
