import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/security/login-throttle.ts';
import {
  buildTestApp,
  CHROME_MAC,
  PASSWORD,
  refresh,
  registerUser,
  type TestApp,
  uniqueEmail,
} from '../helpers/build-test-app.ts';
import { expectEnvelope, securityEventsOf } from '../helpers/inspect.ts';

// Rate limits, through HTTP on the real store (Redis when REDIS_URL is set). Each test
// uses its own client address (`remoteAddress`), so per-IP budgets do not leak between tests.
let t: TestApp;
let proxied: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  proxied = await buildTestApp({ TRUST_PROXY: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
  await proxied?.close();
});

function login(
  app: TestApp,
  email: string,
  password: string,
  options: { ip?: string; headers?: Record<string, string> } = {},
) {
  return app.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: options.ip ?? '127.0.0.1',
    headers: { 'user-agent': CHROME_MAC, ...options.headers },
    payload: { email, password },
  });
}

function expectRateLimited(response: LightMyRequestResponse, maxSeconds: number) {
  expectEnvelope(response, 429, 'rate_limited');
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  return retryAfter;
}

describe('failed sign-ins per account', () => {
  it('five failures, then 429 with Retry-After — even with the right password', async () => {
    const user = await registerUser(t.app);
    for (let i = 0; i < 5; i++) {
      expectEnvelope(
        await login(t, user.email, 'not my password', { ip: '10.1.0.1' }),
        401,
        'invalid_credentials',
      );
    }
    const retryAfter = expectRateLimited(await login(t, user.email, PASSWORD, { ip: '10.1.0.1' }), 900);
    expect(retryAfter).toBeGreaterThan(800);
    // Another address does not help: the budget belongs to the account.
    expectRateLimited(await login(t, user.email, PASSWORD, { ip: '10.1.0.2' }), 900);
  });

  it('an unknown email gets the same answers in the same order, so the limiter reveals nothing', async () => {
    const user = await registerUser(t.app);
    const answers = async (email: string, ip: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await login(t, email, 'not my password', { ip });
        seen.push(
          `${response.statusCode} ${response.json().error.code} ${response.headers['retry-after'] ? 'retry' : ''}`,
        );
      }
      return seen;
    };
    expect(await answers(uniqueEmail(), '10.2.0.1')).toEqual(await answers(user.email, '10.2.0.2'));
  });

  it('rotating X-Forwarded-For does not escape the limit (TRUST_PROXY off: the header is ignored)', async () => {
    const user = await registerUser(t.app);
    for (let i = 0; i < 5; i++) {
      const headers = { 'x-forwarded-for': `198.51.100.${i}` };
      expectEnvelope(
        await login(t, user.email, 'wrong', { ip: '10.3.0.1', headers }),
        401,
        'invalid_credentials',
      );
    }
    const headers = { 'x-forwarded-for': '198.51.100.200' };
    expectRateLimited(await login(t, user.email, PASSWORD, { ip: '10.3.0.1', headers }), 900);
    const events = await securityEventsOf(t.app, { userId: user.userId, type: 'login_failure' });
    expect(new Set(events.map((event) => event.ip_address))).toEqual(new Set(['10.3.0.1']));
  });

  it('one rate_limited event per hold, however many attempts it refuses', async () => {
    const user = await registerUser(t.app);
    for (let i = 0; i < 5; i++) await login(t, user.email, 'wrong', { ip: '10.4.0.1' });
    for (let i = 0; i < 3; i++)
      expectRateLimited(await login(t, user.email, PASSWORD, { ip: '10.4.0.1' }), 900);
    const events = await securityEventsOf(t.app, { userId: user.userId, type: 'rate_limited' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ip_address: '10.4.0.1', user_agent: CHROME_MAC });
    expect(events[0]!.detail).toMatchObject({ limit: 'login-account', locked: false });
  });

  it('the 100th consecutive failure locks the account and writes account_locked', async () => {
    const user = await registerUser(t.app);
    // 99 earlier failures, spread over days (written straight into the shared store).
    const streakKey = `login-streak:${LoginThrottle.accountKey(user.email)}`;
    for (let i = 0; i < 99; i++) {
      await t.store.hit(streakKey, 30 * 24 * 3_600_000, { max: 0, onExceed: 'restart' });
    }
    expectEnvelope(await login(t, user.email, 'wrong', { ip: '10.5.0.1' }), 401, 'invalid_credentials');
    expectRateLimited(await login(t, user.email, PASSWORD, { ip: '10.5.0.1' }), 24 * 3600);
    const locked = await securityEventsOf(t.app, { userId: user.userId, type: 'account_locked' });
    expect(locked).toHaveLength(1);
    expect(locked[0]!.detail).toMatchObject({ consecutiveFailures: 100, lockedForSeconds: 24 * 3600 });
  });
});

describe('per client IP', () => {
  it('password spraying: the 61st sign-in from one address in 5 minutes is refused, whatever XFF says', async () => {
    for (let i = 0; i < 60; i++) {
      const headers = { 'x-forwarded-for': `203.0.113.${i}` };
      const response = await login(t, uniqueEmail(), 'Spring2024!x', { ip: '10.6.0.1', headers });
      expect(response.statusCode).toBe(401);
    }
    expectRateLimited(await login(t, uniqueEmail(), 'Spring2024!x', { ip: '10.6.0.1' }), 300);
    expectEnvelope(
      await login(t, uniqueEmail(), 'Spring2024!x', { ip: '10.6.0.2' }),
      401,
      'invalid_credentials',
    );
  });

  it('behind a trusted proxy the client address is the one the proxy saw, not what the client wrote', async () => {
    for (let i = 0; i < 60; i++) {
      // The client prepends an invented address; the proxy appends the real one.
      const headers = { 'x-forwarded-for': `192.0.2.${i}, 198.51.100.77` };
      expect((await login(proxied, uniqueEmail(), 'Spring2024!x', { headers })).statusCode).toBe(401);
    }
    const spoofed = { 'x-forwarded-for': '192.0.2.250, 198.51.100.77' };
    expectRateLimited(await login(proxied, uniqueEmail(), 'Spring2024!x', { headers: spoofed }), 300);
    const other = { 'x-forwarded-for': '198.51.100.78' };
    expect((await login(proxied, uniqueEmail(), 'Spring2024!x', { headers: other })).statusCode).toBe(401);
  });

  it('register: 30 accounts per address per hour', async () => {
    const register = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '10.7.0.1',
        payload: { email: uniqueEmail(), password: 'a long and unusual passphrase' },
      });
    for (let i = 0; i < 30; i++) expect((await register()).statusCode).toBe(201);
    expectRateLimited(await register(), 3600);
  });
});

describe('refresh', () => {
  it('per session: the 31st refresh of one session within a minute is refused', async () => {
    const user = await registerUser(t.app);
    // Replays inside the grace window answer with the same successor: cheap to repeat.
    for (let i = 0; i < 30; i++) {
      expect((await refresh(t.app, user.refreshToken, {})).statusCode).toBe(200);
    }
    expectRateLimited(await refresh(t.app, user.refreshToken), 60);
    const events = await securityEventsOf(t.app, { type: 'rate_limited' });
    expect(events.some((event) => (event.detail as { limit?: string }).limit === 'refresh-session')).toBe(
      true,
    );
  });

  it('per IP: garbage refresh tokens from one address are cut off too', async () => {
    const attempt = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        remoteAddress: '10.8.0.1',
        payload: { refreshToken: 'x'.repeat(43) },
      });
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 301; i++) last = await attempt();
    expectRateLimited(last!, 300);
  });
});
