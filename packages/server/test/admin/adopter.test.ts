import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, tenure } from '../../src/index.ts';
import { CHROME_MAC, errorCode, refreshCookieOf } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';
import { ADMIN_TOKEN, admin, BUILD_TIMEOUT_MS, ownEvents, userPath } from './admin-helpers.ts';

// Users Tenure did not sign in itself: an app mounts the `tenure` plugin and starts sessions
// with `reply.startSession`. The admin API works on its ids (`github|4711`, `org/team|7`), and
// `reply.startSession` refuses a disabled user.
let app: FastifyInstance;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await freshDatabaseUrl();
  drop = database.drop;
  app = Fastify({ pluginTimeout: BUILD_TIMEOUT_MS });
  await app.register(tenure, {
    config: loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `tenure-admin-${randomBytes(4).toString('hex')}:`,
      COOKIE_SECURE: 'false',
      LOG_LEVEL: 'silent',
      ADMIN_API_TOKEN: ADMIN_TOKEN,
    }),
    passwordAuth: false,
    jobs: false,
  });
  // The app decides who the user is; here, from the route.
  app.post('/auth/github/callback', async (_request, reply) => reply.startSession('github|4711'));
  app.post('/auth/sso/callback', async (_request, reply) => reply.startSession('org/team|7'));
  await app.ready();
}, BUILD_TIMEOUT_MS);
afterAll(async () => {
  await app?.close();
  await drop?.();
});

async function signIn(url = '/auth/github/callback') {
  const response = await app.inject({ method: 'POST', url, headers: { 'user-agent': CHROME_MAC } });
  return { response, body: response.json(), cookie: refreshCookieOf(response) };
}

const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

describe('the admin API for users the app signs in itself', () => {
  it('lists and signs out the sessions of `github|4711` and `org/team|7` (ids URL-encoded)', async () => {
    const github = await signIn();
    const sso = await signIn('/auth/sso/callback');
    for (const [userId, sessionId] of [
      ['github|4711', github.body.session.id],
      ['org/team|7', sso.body.session.id],
    ]) {
      const list = await admin(app, 'GET', userPath(userId, 'sessions'));
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().sessions.map((s: { id: string }) => s.id)).toContain(sessionId);
    }
    const revoked = await admin(app, 'POST', userPath('org/team|7', 'sessions/revoke-all'));
    expect(revoked.json().revokedCount).toBeGreaterThanOrEqual(1);
    const refused = await app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: bearer(sso.body.accessToken),
    });
    expect(errorCode(refused)).toBe('session_revoked');
  });

  it('reply.startSession refuses a disabled user with 403 account_disabled; their refresh fails; enable lets them back', async () => {
    const before = await signIn();
    const disabled = await admin(app, 'POST', userPath('github|4711', 'disable'), { actor: 'ops' });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json().revokedCount).toBeGreaterThanOrEqual(1);

    const refused = await signIn();
    expect(refused.response.statusCode).toBe(403);
    expect(refused.body.code).toBe('account_disabled');
    expect(refused.cookie).toBeUndefined();
    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { tenure_refresh: before.cookie! },
    });
    expect(errorCode(refreshed)).toBe('session_revoked');

    expect((await admin(app, 'POST', userPath('github|4711', 'enable'))).statusCode).toBe(204);
    const back = await signIn();
    expect(back.response.statusCode, back.response.body).toBe(200);
    const types = (await ownEvents(app, back.body.accessToken)).map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining(['sessions_revoked_all', 'account_disabled', 'account_enabled']),
    );
  });
});
