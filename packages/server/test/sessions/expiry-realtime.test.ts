import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, errorCode, refresh, registerUser, type TestApp } from '../helpers/build-test-app.ts';
import { claimsOf, rotatedFrom, sleep } from '../helpers/inspect.ts';

// The same invariants black-box, through the real server clock and fractional env values
//: idle timeout 6 s, absolute lifetime 8.64 s, access token TTL 12 s clamped to 6 s.
const IDLE_MS = 6_000;
const LIFETIME_MS = 8_640;
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({
    INACTIVITY_TIMEOUT_MINUTES: '0.1',
    SESSION_EXPIRY_DAYS: '0.0001',
    ACCESS_TOKEN_TTL_MINUTES: '0.2',
  });
});
afterAll(async () => t?.close());

describe('expiry with fractional durations on the real clock', () => {
  it('a refresh after the idle timeout of real inactivity fails with session_expired', async () => {
    const user = await registerUser(t.app);
    const claims = claimsOf(user.accessToken);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(IDLE_MS / 1000);

    await sleep(IDLE_MS + 500);
    const response = await refresh(t.app, user.refreshToken);
    expect(response.statusCode).toBe(401);
    expect(errorCode(response)).toBe('session_expired');
  });

  it('an active user refreshing every 2 s is signed out at the absolute expiry, which never moves', async () => {
    const user = await registerUser(t.app);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    const expiresAt = Date.parse(me.json().session.expiresAt);
    expect(expiresAt - Date.parse(me.json().session.createdAt)).toBe(LIFETIME_MS);

    let refreshToken = user.refreshToken;
    let refreshes = 0;
    for (;;) {
      await sleep(2_000);
      const sentAt = Date.now();
      const response = await refresh(t.app, refreshToken);
      if (sentAt >= expiresAt) {
        expect(response.statusCode).toBe(401);
        expect(errorCode(response)).toBe('session_expired');
        break;
      }
      // Answered before the expiry: still signed in, and nothing moved the deadline.
      if (Date.now() < expiresAt) {
        const rotated = rotatedFrom(response);
        refreshToken = rotated.refreshToken;
        refreshes += 1;
        expect(Date.parse(response.json().session.expiresAt)).toBe(expiresAt);
        expect(claimsOf(rotated.accessToken).exp * 1000).toBeLessThanOrEqual(expiresAt);
      } else if (response.statusCode === 200) {
        refreshToken = rotatedFrom(response).refreshToken;
      }
    }
    expect(refreshes).toBeGreaterThanOrEqual(2);
  });
});
