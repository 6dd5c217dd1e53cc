import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  refresh,
  registerUser,
  type TestApp,
} from './helpers/build-test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

describe('sign-in flow', () => {
  it('registers, refreshes, lists sessions and logs out', async () => {
    const user = await registerUser(t.app);
    const me = await authed(t.app, user.accessToken, 'GET', '/api/auth/me');
    expect(me.statusCode, me.body).toBe(200);
    const refreshed = await refresh(t.app, user.refreshToken);
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const second = await loginAs(t.app, user.email);
    const list = await authed(t.app, second.accessToken, 'GET', '/api/auth/sessions');
    expect(list.json().sessions).toHaveLength(2);
    expect(list.json().sessions[0].isCurrent).toBe(true);
    const logout = await authed(t.app, second.accessToken, 'POST', '/api/auth/logout');
    expect(logout.statusCode, logout.body).toBe(204);
    const after = await authed(t.app, second.accessToken, 'GET', '/api/auth/me');
    expect(errorCode(after)).toBe('session_revoked');
  });
});
