import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { usingPostgres } from '../helpers/database.ts';
import { ADMIN_TOKEN, admin, BUILD_TIMEOUT_MS, userPath } from './admin-helpers.ts';

// An operator's action on one instance holds on every instance at the next request: endings
// deny sessions in the shared store, and the disabled record is in the shared database.
const shared = usingPostgres && Boolean(process.env.REDIS_URL);

describe.runIf(shared)('admin actions across two instances on one PostgreSQL and one Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = {
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      REDIS_KEY_PREFIX: `tenure-test-${randomBytes(4).toString('hex')}:`,
    };
    a = await buildTestApp(env);
    b = await buildTestApp({ ...env, DATABASE_URL: a.config.databaseUrl });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a session an operator revoked through one instance is refused by the other at the very next request', async () => {
    const user = await registerUser(b.app);
    const phone = await loginAs(b.app, user.email);
    expect((await admin(a.app, 'DELETE', `/api/admin/sessions/${phone.sessionId}`)).statusCode).toBe(204);
    expect(errorCode(await authed(b.app, phone.accessToken, 'GET', '/api/auth/me'))).toBe('session_revoked');
    expect((await authed(b.app, user.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
  });

  it('a user disabled through one instance is signed out and refused sign-in on the other', async () => {
    const user = await registerUser(b.app);
    expect((await admin(a.app, 'POST', userPath(user.userId, 'disable'))).json()).toEqual({
      revokedCount: 1,
    });
    expect(errorCode(await authed(b.app, user.accessToken, 'GET', '/api/auth/me'))).toBe('session_revoked');
    const login = await b.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: 'correct horse battery staple' },
    });
    expect(errorCode(login)).toBe('account_disabled');
  });
});
