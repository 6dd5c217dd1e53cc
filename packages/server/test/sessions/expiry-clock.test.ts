import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import {
  authed,
  buildTestApp,
  errorCode,
  refresh,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { claimsOf, rotatedFrom, sessionRow } from '../helpers/inspect.ts';

// "Idle and absolute expiry" and "Absolute means absolute", deterministically: idle
// timeout 5 min, absolute lifetime 14.4 min, an access token TTL of 10 min clamped to 5.
const MINUTE = 60_000;
const IDLE_MS = 5 * MINUTE;
const LIFETIME_MS = 0.01 * 24 * 60 * MINUTE;
const clock = new ManualClock();
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp(
    { INACTIVITY_TIMEOUT_MINUTES: '5', SESSION_EXPIRY_DAYS: '0.01', ACCESS_TOKEN_TTL_MINUTES: '10' },
    { clock },
  );
});
afterAll(async () => t?.close());

const me = (accessToken: string) => authed(t.app, accessToken, 'GET', '/api/auth/me');

describe('idle timeout', () => {
  it('a refresh after the inactivity timeout with no activity fails with session_expired', async () => {
    const user = await registerUser(t.app);
    clock.advance(IDLE_MS + 1_000);
    const response = await refresh(t.app, user.refreshToken);
    expect(response.statusCode).toBe(401);
    expect(errorCode(response)).toBe('session_expired');
    // The session is over for good: no later refresh revives it.
    expect((await sessionRow(t.app, user.sessionId)).is_revoked).toBe(true);
    expect((await refresh(t.app, user.refreshToken)).statusCode).toBe(401);
  });

  it('a refresh just inside the inactivity timeout succeeds', async () => {
    const user = await registerUser(t.app);
    clock.advance(IDLE_MS - 1_000);
    rotatedFrom(await refresh(t.app, user.refreshToken));
  });

  it('authenticated requests count as activity: idleness is measured from the last request', async () => {
    const user = await registerUser(t.app);
    clock.advance(4 * MINUTE);
    expect((await me(user.accessToken)).statusCode).toBe(200);
    clock.advance(4 * MINUTE);
    // 8 minutes after sign-in but 4 after the last request.
    rotatedFrom(await refresh(t.app, user.refreshToken));
  });
});

describe('absolute expiry', () => {
  it('refreshing never moves expires_at and an active user is still out at the absolute expiry', async () => {
    const user = await registerUser(t.app);
    const { expires_at: expiresAt } = await sessionRow(t.app, user.sessionId);
    expect(expiresAt.getTime()).toBe(clock.now() + LIFETIME_MS);

    let tokens = { refreshToken: user.refreshToken, accessToken: user.accessToken };
    for (let step = 0; step < 3; step++) {
      clock.advance(4 * MINUTE);
      const response = await refresh(t.app, tokens.refreshToken);
      tokens = rotatedFrom(response);
      expect(response.json().session.expiresAt).toBe(expiresAt.toISOString());
      expect((await sessionRow(t.app, user.sessionId)).expires_at.getTime()).toBe(expiresAt.getTime());
      // The access token never outlives the session.
      expect(claimsOf(tokens.accessToken).exp * 1000).toBeLessThanOrEqual(expiresAt.getTime());
    }
    // 12 minutes in: the last token is cut at the session's expiry, not at now + 5 min.
    expect(claimsOf(tokens.accessToken).exp).toBe(Math.floor(expiresAt.getTime() / 1000));

    clock.advance(3 * MINUTE);
    const late = await refresh(t.app, tokens.refreshToken);
    expect(late.statusCode).toBe(401);
    expect(errorCode(late)).toBe('session_expired');
    const stale = await me(tokens.accessToken);
    expect(stale.statusCode).toBe(401);
    expect(['token_expired', 'session_revoked']).toContain(errorCode(stale));
  });
});

describe('access token lifetime', () => {
  it('is clamped to the inactivity timeout, so an idle session has no live token', async () => {
    const user = await registerUser(t.app);
    const claims = claimsOf(user.accessToken);
    expect(claims.exp - claims.iat).toBe(IDLE_MS / 1000);

    const policy = await t.app.inject({ method: 'GET', url: '/api/auth/config' });
    expect(policy.json().accessTokenTtlSeconds).toBe(IDLE_MS / 1000);

    clock.advance(IDLE_MS + 10_000);
    const response = await me(user.accessToken);
    expect(response.statusCode).toBe(401);
    expect(errorCode(response)).toBe('token_expired');
  });

  it('an expired access token answers token_expired while the session can still be refreshed', async () => {
    const user = await registerUser(t.app);
    clock.advance(2 * MINUTE);
    const { accessToken, refreshToken } = rotatedFrom(await refresh(t.app, user.refreshToken));
    clock.advance(4 * MINUTE);
    // The sign-in token is 6 minutes old (TTL 5); the session was active 4 minutes ago.
    expect(errorCode(await me(user.accessToken))).toBe('token_expired');
    expect((await me(accessToken)).statusCode).toBe(200);
    rotatedFrom(await refresh(t.app, refreshToken));
  });
});
