import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { SessionOutcome } from '../../src/sessions/outcomes.ts';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  errorCode,
  loginAs,
  refresh,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { sessionRow } from '../helpers/inspect.ts';

const MINUTE = 60_000;
const clock = new ManualClock();
const outcomes: SessionOutcome[] = [];
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp(
    { INACTIVITY_TIMEOUT_MINUTES: '5', SESSION_EXPIRY_DAYS: '0.01', ACCESS_TOKEN_TTL_MINUTES: '5' },
    { clock, listeners: [(outcome) => void outcomes.push(outcome)] },
  );
});
afterAll(async () => t?.close());

const endedOf = (sessionId: string) =>
  outcomes.filter(
    (o): o is Extract<SessionOutcome, { type: 'ended' }> =>
      o.type === 'ended' && o.sessions.some((s) => s.sessionId === sessionId),
  );

describe('an expired session stays expired', () => {
  it('after the idle timeout, every later refresh answers session_expired, never session_revoked', async () => {
    const user = await registerUser(t.app);
    clock.advance(5 * MINUTE + 1);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(errorCode(await refresh(t.app, user.refreshToken))).toBe('session_expired');
    }
    expect((await sessionRow(t.app, user.sessionId)).revoked_reason).toBe('expired');
    expect(endedOf(user.sessionId).map((o) => o.reason)).toEqual(['expired']);
  });

  it('past the absolute expiry, however active, the answer stays session_expired', async () => {
    const user = await registerUser(t.app);
    let token = user.refreshToken;
    // Refresh every 4 minutes until the 14.4-minute lifetime is over.
    for (let elapsed = 0; elapsed < 12 * MINUTE; elapsed += 4 * MINUTE) {
      clock.advance(4 * MINUTE);
      const response = await refresh(t.app, token);
      expect(response.statusCode, response.body).toBe(200);
      token = response.cookies.find((c) => c.name.endsWith('tenure_refresh'))!.value;
    }
    clock.advance(3 * MINUTE);
    expect(errorCode(await refresh(t.app, token))).toBe('session_expired');
    expect(errorCode(await refresh(t.app, token))).toBe('session_expired');
  });

  it('signing out all other devices does not turn an expired session into a revoked one', async () => {
    const user = await registerUser(t.app);
    clock.advance(5 * MINUTE + 1);
    // A fresh sign-in on another device signs out "all others": the idle one is not among them.
    const other = await loginAs(t.app, user.email);
    const revokeAll = await authed(t.app, other.accessToken, 'POST', '/api/auth/sessions/revoke-all');
    expect(revokeAll.json()).toEqual({ revokedCount: 0 });
    expect(errorCode(await refresh(t.app, user.refreshToken))).toBe('session_expired');
  });

  it('a signed-out session answers session_revoked on every later refresh', async () => {
    const user = await registerUser(t.app);
    const other = await loginAs(t.app, user.email);
    expect(
      (await authed(t.app, other.accessToken, 'DELETE', `/api/auth/sessions/${user.sessionId}`)).statusCode,
    ).toBe(204);
    clock.advance(6 * MINUTE);
    expect(errorCode(await refresh(t.app, user.refreshToken))).toBe('session_revoked');
    expect((await sessionRow(t.app, user.sessionId)).revoked_reason).toBe('revoked');
  });
});

describe('each ending is reported once, with its reason', () => {
  it('logout, revoke, revoke-all and reuse each emit exactly one ended outcome per session', async () => {
    const user = await registerUser(t.app);
    const [a, b, c] = [
      await loginAs(t.app, user.email),
      await loginAs(t.app, user.email),
      await loginAs(t.app, user.email),
    ];
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    await authed(t.app, user.accessToken, 'DELETE', `/api/auth/sessions/${b.sessionId}`);
    await authed(t.app, user.accessToken, 'POST', '/api/auth/sessions/revoke-all');
    // Logging out again, revoking again: nothing more ends.
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: `tenure_refresh=${a.refreshToken}` },
    });
    await authed(t.app, user.accessToken, 'DELETE', `/api/auth/sessions/${b.sessionId}`);
    expect(endedOf(a.sessionId).map((o) => o.reason)).toEqual(['signed_out']);
    expect(endedOf(b.sessionId).map((o) => o.reason)).toEqual(['revoked']);
    expect(endedOf(c.sessionId).map((o) => [o.reason, o.cause.scope])).toEqual([['revoked', 'all']]);

    const thief = await loginAs(t.app, user.email);
    const rotated = await refresh(t.app, thief.refreshToken);
    expect(rotated.statusCode).toBe(200);
    clock.advance(MINUTE);
    expect(errorCode(await refresh(t.app, thief.refreshToken))).toBe('refresh_token_reused');
    expect(errorCode(await refresh(t.app, thief.refreshToken))).toBe('session_revoked');
    expect(endedOf(thief.sessionId).map((o) => o.reason)).toEqual(['reuse']);
  });
});

describe('a refresh token never leaves its cookie', () => {
  const browser = {
    origin: 'http://localhost:3000',
    'x-requested-with': 'XMLHttpRequest',
    'user-agent': CHROME_MAC,
  };

  it('a cookie refresh asking for body transport gets a rotated cookie and no token in JSON', async () => {
    const user = await registerUser(t.app);
    const response = await refresh(t.app, user.refreshToken, { ...browser, 'x-token-transport': 'body' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).not.toHaveProperty('refreshToken');
    expect(response.cookies.find((c) => c.name.endsWith('tenure_refresh'))?.value).toBeTruthy();
  });

  it('the same request without Origin (a script replaying the cookie elsewhere) still gets no token in JSON', async () => {
    const user = await registerUser(t.app);
    const response = await refresh(t.app, user.refreshToken, { 'x-token-transport': 'body' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).not.toHaveProperty('refreshToken');
  });

  it('a browser sign-in asking for body transport gets the cookie instead', async () => {
    const user = await registerUser(t.app);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { ...browser, 'x-token-transport': 'body' },
      payload: { email: user.email, password: 'correct horse battery staple' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).not.toHaveProperty('refreshToken');
    expect(response.cookies.some((c) => c.name.endsWith('tenure_refresh'))).toBe(true);
  });

  it('a non-browser client keeps using body transport: token in, successor out, no cookie', async () => {
    const user = await registerUser(t.app);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-token-transport': 'body', 'user-agent': 'tenure-cli/1.0' },
      payload: { email: user.email, password: 'correct horse battery staple' },
    });
    const { refreshToken } = login.json();
    expect(refreshToken).toBeTruthy();
    expect(login.cookies).toHaveLength(0);
    const next = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { 'x-token-transport': 'body' },
      payload: { refreshToken },
    });
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json().refreshToken).toBeTruthy();
    expect(next.json().refreshToken).not.toBe(refreshToken);
    expect(next.cookies).toHaveLength(0);
  });
});
