import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ManualClock, tenure } from '../../src/index.ts';
import { CHROME_MAC, errorCode, refreshCookieOf } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';

// An app that signs its users in itself guards its own sensitive route with
// app.requireRecentAuth and renews the sign-in time with reply.confirmAuth() after its own check.
const MINUTE = 60_000;
const clock = new ManualClock();
let app: FastifyInstance;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await freshDatabaseUrl();
  drop = database.drop;
  app = Fastify({ pluginTimeout: 60_000 });
  // The adopter's own error handler must not be involved in a reauth_required answer.
  app.setErrorHandler((error: Error, _request, reply) =>
    reply.status(500).send({ adopterError: String(error) }),
  );
  await app.register(tenure, {
    config: loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `tenure-stepup-${randomBytes(4).toString('hex')}:`,
      COOKIE_SECURE: 'false',
      LOG_LEVEL: 'silent',
      ACCESS_TOKEN_TTL_MINUTES: '15',
    }),
    passwordAuth: false,
    jobs: false,
    clock,
  });
  app.post('/auth/sso/callback', async (_request, reply) => reply.startSession('sso|42'));
  app.post(
    '/billing/delete-account',
    { preHandler: [app.authenticate, app.requireRecentAuth(5 * 60)] },
    async (request) => ({ deleted: request.auth.userId, authTime: request.auth.authTime?.toISOString() }),
  );
  // The app's own check (say, a fresh login at its identity provider) passed; Tenure records it.
  app.post('/auth/sso/confirm', { preHandler: app.authenticate }, async (_request, reply) =>
    reply.confirmAuth(),
  );
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await drop?.();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'user-agent': CHROME_MAC });

describe('step-up in an adopting app', () => {
  it('requireRecentAuth admits a recent sign-in, refuses an older one with 401 reauth_required in Tenure’s envelope, and confirmAuth renews it for the same session without rotating', async () => {
    const signedIn = await app.inject({ method: 'POST', url: '/auth/sso/callback' });
    const { accessToken, session } = signedIn.json();
    const cookie = refreshCookieOf(signedIn)!;

    const fresh = await app.inject({
      method: 'POST',
      url: '/billing/delete-account',
      headers: bearer(accessToken),
    });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json().authTime).toBe(new Date(Math.floor(clock.now() / 1000) * 1000).toISOString());

    clock.advance(6 * MINUTE);
    const stale = await app.inject({
      method: 'POST',
      url: '/billing/delete-account',
      headers: bearer(accessToken),
    });
    expect(stale.statusCode).toBe(401);
    expect(errorCode(stale)).toBe('reauth_required');
    expect(stale.json().error.message).toContain('5 minutes');

    const confirmed = await app.inject({
      method: 'POST',
      url: '/auth/sso/confirm',
      headers: bearer(accessToken),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const body = confirmed.json();
    expect(body.session.id).toBe(session.id);
    expect(body.user).toEqual({ id: 'sso|42' });
    expect(body).not.toHaveProperty('refreshToken');
    expect(confirmed.headers['set-cookie']).toBeUndefined();
    expect(decodeJwt(body.accessToken).auth_time).toBe(Math.floor(clock.now() / 1000));

    const after = await app.inject({
      method: 'POST',
      url: '/billing/delete-account',
      headers: bearer(body.accessToken),
    });
    expect(after.statusCode, after.body).toBe(200);
    // The refresh cookie from the sign-in is still the current token.
    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { tenure_refresh: cookie },
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
  });

  it('requireRecentAuth without a token answers 401 invalid_token (authenticate runs first)', async () => {
    const response = await app.inject({ method: 'POST', url: '/billing/delete-account' });
    expect(response.statusCode).toBe(401);
    expect(errorCode(response)).toBe('invalid_token');
  });

  it('POST /api/auth/reauth is off (404) without password accounts', async () => {
    const signedIn = await app.inject({ method: 'POST', url: '/auth/sso/callback' });
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      headers: bearer(signedIn.json().accessToken),
      payload: { password: 'whatever it is' },
    });
    expect(response.statusCode).toBe(404);
  });
});
