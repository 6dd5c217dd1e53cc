import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  refresh,
  registerUser,
  SAFARI_IPHONE,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { clearsRefreshCookie, sessionRow } from '../helpers/inspect.ts';

// "Revocation is immediate": a revoked session's unexpired access token is refused on
// the very next request, whatever ended the session.
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const me = (accessToken: string) => authed(t.app, accessToken, 'GET', '/api/auth/me');

async function expectSignedOut(accessToken: string, refreshToken: string) {
  for (const response of [
    await me(accessToken),
    await authed(t.app, accessToken, 'GET', '/api/auth/sessions'),
    await refresh(t.app, refreshToken),
  ]) {
    expect(response.statusCode, response.body).toBe(401);
    expect(errorCode(response)).toBe('session_revoked');
  }
}

describe('revocation is immediate', () => {
  it("after DELETE /sessions/:id the revoked session's unexpired access token is refused on the next request", async () => {
    const laptop = await registerUser(t.app);
    const phone = await loginAs(t.app, laptop.email, { userAgent: SAFARI_IPHONE });
    expect((await me(phone.accessToken)).statusCode).toBe(200);

    const deleted = await authed(
      t.app,
      laptop.accessToken,
      'DELETE',
      `/api/auth/sessions/${phone.sessionId}`,
    );
    expect(deleted.statusCode, deleted.body).toBe(204);

    await expectSignedOut(phone.accessToken, phone.refreshToken);
    expect((await sessionRow(t.app, phone.sessionId)).revoked_reason).toBe('revoked');
    // Revoking another device leaves this browser signed in, cookie and all.
    expect(clearsRefreshCookie(deleted)).toBe(false);
    const list = await authed(t.app, laptop.accessToken, 'GET', '/api/auth/sessions');
    expect(list.json().sessions.map((s: { id: string }) => s.id)).toEqual([laptop.sessionId]);
  });

  it('revoke-all answers revokedCount, keeps the current session and refuses every other session at once', async () => {
    const current = await registerUser(t.app);
    const others = [
      await loginAs(t.app, current.email, { userAgent: SAFARI_IPHONE }),
      await loginAs(t.app, current.email),
    ];
    for (const other of others) expect((await me(other.accessToken)).statusCode).toBe(200);

    const response = await authed(t.app, current.accessToken, 'POST', '/api/auth/sessions/revoke-all');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ revokedCount: 2 });

    for (const other of others) await expectSignedOut(other.accessToken, other.refreshToken);
    expect((await me(current.accessToken)).statusCode).toBe(200);
    const list = await authed(t.app, current.accessToken, 'GET', '/api/auth/sessions');
    expect(list.json().sessions).toMatchObject([{ id: current.sessionId, isCurrent: true }]);
    expect((await refresh(t.app, current.refreshToken)).statusCode).toBe(200);

    const again = await authed(t.app, current.accessToken, 'POST', '/api/auth/sessions/revoke-all');
    expect(again.json()).toEqual({ revokedCount: 0 });
  });

  it('logout revokes the session, clears the cookie and its access token is refused on the next request', async () => {
    const user = await registerUser(t.app);
    expect((await me(user.accessToken)).statusCode).toBe(200);

    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${user.accessToken}` },
      cookies: { tenure_refresh: user.refreshToken },
    });
    expect(logout.statusCode, logout.body).toBe(204);
    expect(clearsRefreshCookie(logout)).toBe(true);

    await expectSignedOut(user.accessToken, user.refreshToken);
    expect((await sessionRow(t.app, user.sessionId)).revoked_reason).toBe('signed_out');
  });

  it('logout with only the refresh cookie revokes the session, and logging out again is still 204', async () => {
    const user = await registerUser(t.app);
    const logoutWithCookie = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        cookies: { tenure_refresh: user.refreshToken },
      });
    expect((await logoutWithCookie()).statusCode).toBe(204);
    await expectSignedOut(user.accessToken, user.refreshToken);

    expect((await logoutWithCookie()).statusCode).toBe(204);
    expect((await authed(t.app, user.accessToken, 'POST', '/api/auth/logout')).statusCode).toBe(204);
  });

  it('deleting the current session signs it out and clears the refresh cookie', async () => {
    const user = await registerUser(t.app);
    const other = await loginAs(t.app, user.email, { userAgent: SAFARI_IPHONE });

    const response = await authed(t.app, user.accessToken, 'DELETE', `/api/auth/sessions/${user.sessionId}`);
    expect(response.statusCode, response.body).toBe(204);
    expect(clearsRefreshCookie(response)).toBe(true);

    await expectSignedOut(user.accessToken, user.refreshToken);
    // The user's other device is not affected.
    expect((await me(other.accessToken)).statusCode).toBe(200);
  });
});
