import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  refresh,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { usingPostgres } from '../helpers/database.ts';
import { rotatedFrom } from '../helpers/inspect.ts';

// with PostgreSQL and Redis, instances share everything that matters: a session
// revoked on one is refused on the other at the next request; rotation never forks across them.
const shared = usingPostgres && Boolean(process.env.REDIS_URL);

describe.runIf(shared)('two server instances on one PostgreSQL and one Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await buildTestApp({ REDIS_KEY_PREFIX: `tenure-test-${randomBytes(4).toString('hex')}:` });
    b = await buildTestApp({
      DATABASE_URL: a.config.databaseUrl,
      REDIS_KEY_PREFIX: a.config.redisKeyPrefix,
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const me = (t: TestApp, accessToken: string) => authed(t.app, accessToken, 'GET', '/api/auth/me');

  it('a session revoked on one instance is refused on the other at the very next request', async () => {
    const user = await registerUser(a.app);
    const phone = await loginAs(a.app, user.email);
    expect((await me(b, phone.accessToken)).statusCode).toBe(200);

    const deleted = await authed(b.app, user.accessToken, 'DELETE', `/api/auth/sessions/${phone.sessionId}`);
    expect(deleted.statusCode).toBe(204);
    expect(errorCode(await me(a, phone.accessToken))).toBe('session_revoked');
    expect(errorCode(await me(b, phone.accessToken))).toBe('session_revoked');
  });

  it('logout on one instance and revoke-all on the other are seen by both', async () => {
    const user = await registerUser(b.app);
    const others = [await loginAs(b.app, user.email), await loginAs(b.app, user.email)];
    for (const other of others) expect((await me(a, other.accessToken)).statusCode).toBe(200);

    expect((await authed(a.app, user.accessToken, 'POST', '/api/auth/sessions/revoke-all')).json()).toEqual({
      revokedCount: 2,
    });
    for (const other of others) expect(errorCode(await me(b, other.accessToken))).toBe('session_revoked');

    expect((await authed(b.app, user.accessToken, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    expect(errorCode(await me(a, user.accessToken))).toBe('session_revoked');
  });

  it('the same refresh token sent to both instances at once yields one successor', async () => {
    const user = await registerUser(a.app);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refresh(i % 2 ? a.app : b.app, user.refreshToken)),
    );
    const successors = new Set(responses.map((response) => rotatedFrom(response).refreshToken));
    expect(successors.size).toBe(1);
  });
});
