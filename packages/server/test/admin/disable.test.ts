import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  errorCode,
  loginAs,
  PASSWORD,
  refresh,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { expectEnvelope, sessionRow } from '../helpers/inspect.ts';
import { ADMIN_TOKEN, admin, BUILD_TIMEOUT_MS, ownEvents, userPath } from './admin-helpers.ts';

// Disabling a user ends every session they have and keeps them out until they are enabled
// again; the password is checked first, so only someone who knows it learns of the disable.
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ ADMIN_API_TOKEN: ADMIN_TOKEN });
}, BUILD_TIMEOUT_MS);
afterAll(async () => t?.close());

const login = (email: string, password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'user-agent': CHROME_MAC },
    payload: { email, password },
  });

const disabledRow = (userId: string) =>
  t.database.db.selectFrom('disabled_users').selectAll().where('user_id', '=', userId).executeTakeFirst();

describe('POST /api/admin/users/:userId/disable', () => {
  it('ends every session (reason user_disabled): tokens refused at once, refreshes fail', async () => {
    const user = await registerUser(t.app);
    const phone = await loginAs(t.app, user.email);

    const response = await admin(t.app, 'POST', userPath(user.userId, 'disable'), { actor: 'carol@ops' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ revokedCount: 2 });
    for (const session of [user, phone]) {
      expectEnvelope(await authed(t.app, session.accessToken, 'GET', '/api/auth/me'), 401, 'session_revoked');
      expect(errorCode(await refresh(t.app, session.refreshToken))).toBe('session_revoked');
      expect((await sessionRow(t.app, session.sessionId)).revoked_reason).toBe('user_disabled');
    }
    expect(await disabledRow(user.userId)).toMatchObject({ user_id: user.userId, actor: 'carol@ops' });
  });

  it('a later sign-in with the right password is 403 account_disabled; a wrong one is 401 invalid_credentials', async () => {
    const user = await registerUser(t.app);
    await admin(t.app, 'POST', userPath(user.userId, 'disable'));

    expectEnvelope(await login(user.email, PASSWORD), 403, 'account_disabled');
    const wrong = await login(user.email, 'not the password at all');
    const unknown = await login(`nobody-${user.email}`, 'not the password at all');
    expectEnvelope(wrong, 401, 'invalid_credentials');
    // Without the password, a disabled account looks like any other.
    expect(wrong.json()).toEqual(unknown.json());
    const sessions = await t.database.db
      .selectFrom('user_sessions')
      .select('session_id')
      .where('user_id', '=', user.userId)
      .where('is_revoked', '=', false)
      .execute();
    expect(sessions).toEqual([]);
  });

  it('disabling twice keeps the first record and answers the sessions it found (none)', async () => {
    const user = await registerUser(t.app);
    await admin(t.app, 'POST', userPath(user.userId, 'disable'), { actor: 'first' });
    const again = await admin(t.app, 'POST', userPath(user.userId, 'disable'), { actor: 'second' });
    expect(again.json()).toEqual({ revokedCount: 0 });
    expect((await disabledRow(user.userId))?.actor).toBe('first');
  });
});

describe('POST /api/admin/users/:userId/enable', () => {
  it('lets the user sign in again; answers 204, also for a user who is not disabled', async () => {
    const user = await registerUser(t.app);
    await admin(t.app, 'POST', userPath(user.userId, 'disable'));
    expect((await login(user.email, PASSWORD)).statusCode).toBe(403);

    const enabled = await admin(t.app, 'POST', userPath(user.userId, 'enable'));
    expect(enabled.statusCode, enabled.body).toBe(204);
    expect(await disabledRow(user.userId)).toBeUndefined();
    const back = await loginAs(t.app, user.email);
    expect((await authed(t.app, back.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);

    expect((await admin(t.app, 'POST', userPath(user.userId, 'enable'))).statusCode).toBe(204);
    expect((await admin(t.app, 'POST', userPath('never-disabled', 'enable'))).statusCode).toBe(204);
  });

  it('the user sees both on their security page, by admin, with the operator note', async () => {
    const user = await registerUser(t.app);
    await admin(t.app, 'POST', userPath(user.userId, 'disable'), { actor: 'dan@ops' });
    await admin(t.app, 'POST', userPath(user.userId, 'enable'), { actor: 'erin@ops' });

    const back = await loginAs(t.app, user.email);
    const events = await ownEvents(t.app, back.accessToken);
    const byType = (type: string) => events.find((event) => event.type === type);
    expect(byType('sessions_revoked_all')?.detail).toMatchObject({
      revokedCount: 1,
      by: 'admin',
      reason: 'user_disabled',
      note: 'dan@ops',
    });
    expect(byType('account_disabled')?.detail).toMatchObject({ by: 'admin', note: 'dan@ops' });
    expect(byType('account_enabled')?.detail).toMatchObject({ by: 'admin', note: 'erin@ops' });
    expect(byType('account_enabled')?.detail.requestId).toEqual(expect.any(String));
  });
});
