import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  errorCode,
  loginAs,
  PASSWORD,
  refresh,
  refreshCookieOf,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { signedByServer } from '../security/forge.ts';

// Step-up re-authentication on the standalone app: the access token says when the person last
// proved who they are, revoke-all needs that within REAUTH_MAX_AGE_MINUTES (10 by default), and
// POST /reauth renews it for the same session without rotating the refresh token.
const MINUTE = 60_000;
const clock = new ManualClock();
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({}, { clock });
});
afterAll(async () => t?.close());

const seconds = (ms: number) => Math.floor(ms / 1000);

function reauth(accessToken: string, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/reauth',
    headers: { authorization: `Bearer ${accessToken}`, 'user-agent': CHROME_MAC },
    payload: { password },
  });
}

function revokeAll(accessToken: string) {
  return authed(t.app, accessToken, 'POST', '/api/auth/sessions/revoke-all');
}

describe('step-up re-authentication', () => {
  it('the access token carries auth_time from sign-in, and refresh never advances it', async () => {
    const user = await registerUser(t.app);
    const signedInAt = seconds(clock.now());
    expect(decodeJwt(user.accessToken).auth_time).toBe(signedInAt);
    clock.advance(3 * MINUTE);
    const login = await loginAs(t.app, user.email);
    expect(decodeJwt(login.accessToken).auth_time).toBe(seconds(clock.now()));

    clock.advance(4 * MINUTE);
    const refreshed = await refresh(t.app, user.refreshToken);
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const claims = decodeJwt(refreshed.json().accessToken);
    expect(claims.iat).toBe(seconds(clock.now()));
    expect(claims.auth_time).toBe(signedInAt);
  });

  it('revoke-all with a sign-in older than 10 minutes is 401 reauth_required; /reauth with the password renews it for the same session without rotating, then revoke-all works', async () => {
    const user = await registerUser(t.app);
    const other = await loginAs(t.app, user.email);
    clock.advance(11 * MINUTE);
    const refreshed = await refresh(t.app, user.refreshToken);
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const accessToken = refreshed.json().accessToken as string;
    const currentRefreshToken = refreshCookieOf(refreshed)!;

    const refused = await revokeAll(accessToken);
    expect(refused.statusCode).toBe(401);
    expect(errorCode(refused)).toBe('reauth_required');
    expect(refused.json().error.message).toContain('10 minutes');
    // Nothing was revoked: the other device is still signed in.
    const otherRow = await t.database.db
      .selectFrom('user_sessions')
      .select('is_revoked')
      .where('session_id', '=', other.sessionId)
      .executeTakeFirstOrThrow();
    expect(otherRow.is_revoked).toBe(false);

    const confirmed = await reauth(accessToken, PASSWORD);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const body = confirmed.json();
    expect(body.session.id).toBe(user.sessionId);
    expect(body).not.toHaveProperty('refreshToken');
    expect(confirmed.headers['set-cookie']).toBeUndefined();
    expect(decodeJwt(body.accessToken).auth_time).toBe(seconds(clock.now()));
    expect(decodeJwt(body.accessToken).sid).toBe(user.sessionId);
    // No new session was started.
    const sessions = await t.database.db
      .selectFrom('user_sessions')
      .select('session_id')
      .where('user_id', '=', user.userId)
      .execute();
    expect(sessions).toHaveLength(2);

    const revoked = await revokeAll(body.accessToken);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toEqual({ revokedCount: 1 });

    // The refresh token from before /reauth is still the current one, and now carries the new time.
    const next = await refresh(t.app, currentRefreshToken);
    expect(next.statusCode, next.body).toBe(200);
    expect(decodeJwt(next.json().accessToken).auth_time).toBe(seconds(clock.now()));
  });

  it('a wrong password at /reauth is 401 invalid_credentials and counts toward the login throttle', async () => {
    const user = await registerUser(t.app);
    for (let i = 0; i < 5; i++) {
      const wrong = await reauth(user.accessToken, 'not the password');
      expect(wrong.statusCode).toBe(401);
      expect(errorCode(wrong)).toBe('invalid_credentials');
    }
    const held = await reauth(user.accessToken, PASSWORD);
    expect(held.statusCode).toBe(429);
    expect(errorCode(held)).toBe('rate_limited');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: PASSWORD },
    });
    expect(errorCode(login)).toBe('rate_limited');
    clock.advance(16 * MINUTE);
  });

  it('/reauth needs an access token', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      payload: { password: PASSWORD },
    });
    expect(response.statusCode).toBe(401);
    expect(errorCode(response)).toBe('invalid_token');
  });

  it('a token without auth_time (issued before tokens carried it) is stale', async () => {
    const user = await registerUser(t.app);
    const now = seconds(clock.now());
    const legacy = await signedByServer(
      t.app,
      { typ: 'at+jwt' },
      {
        iss: t.config.jwtIssuer,
        aud: t.config.jwtAudience,
        sub: user.userId,
        sid: user.sessionId,
        iat: now,
        exp: now + 60,
        jti: crypto.randomUUID(),
      },
    );
    expect((await authed(t.app, legacy, 'GET', '/api/auth/me')).statusCode).toBe(200);
    const refused = await revokeAll(legacy);
    expect(errorCode(refused)).toBe('reauth_required');
  });

  it('a token whose auth_time is not a number is refused as invalid_token, however genuine its signature', async () => {
    const user = await registerUser(t.app);
    const now = seconds(clock.now());
    const token = await signedByServer(
      t.app,
      { typ: 'at+jwt' },
      {
        iss: t.config.jwtIssuer,
        aud: t.config.jwtAudience,
        sub: user.userId,
        sid: user.sessionId,
        iat: now,
        exp: now + 60,
        jti: crypto.randomUUID(),
        auth_time: 'just now',
      },
    );
    expect(errorCode(await authed(t.app, token, 'GET', '/api/auth/me'))).toBe('invalid_token');
  });

  it('a session from before auth_time was stored (NULL) refreshes into stale tokens until /reauth', async () => {
    const user = await registerUser(t.app);
    await t.database.db
      .updateTable('user_sessions')
      .set({ auth_time: null })
      .where('session_id', '=', user.sessionId)
      .execute();
    const refreshed = await refresh(t.app, user.refreshToken);
    const accessToken = refreshed.json().accessToken as string;
    expect(decodeJwt(accessToken)).not.toHaveProperty('auth_time');
    expect(errorCode(await revokeAll(accessToken))).toBe('reauth_required');
    const confirmed = await reauth(accessToken, PASSWORD);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await revokeAll(confirmed.json().accessToken)).statusCode).toBe(200);
  });
});
