import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, tenure } from '../../src/index.ts';
import { CHROME_MAC, errorCode, refreshCookieOf } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';

// Tenure mounted into an app that signs its users in itself: `passwordAuth: false`, sessions
// started with `reply.startSession`, the app's own routes behind `app.authenticate`.
let app: FastifyInstance;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await freshDatabaseUrl();
  drop = database.drop;
  // Migrating and loading the offline geolocation database can take longer than the default 10 s.
  app = Fastify({ pluginTimeout: 60_000 });
  // The adopter's own error handler: Tenure must neither replace it nor need it.
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) =>
    reply.status(500).send({ adopterError: String(error), statusCode: error.statusCode, code: error.code }),
  );
  await app.register(tenure, {
    config: loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `tenure-adopt-${randomBytes(4).toString('hex')}:`,
      COOKIE_SECURE: 'false',
      LOG_LEVEL: 'silent',
    }),
    passwordAuth: false,
    jobs: false,
  });
  app.post('/auth/github/callback', async (_request, reply) =>
    reply.startSession('github|4711', { email: 'octo@example.com', name: 'Octo' }),
  );
  app.post('/auth/too-long', async (_request, reply) => reply.startSession('x'.repeat(256)));
  app.get('/projects', { preHandler: app.authenticate }, async (request) => ({ auth: request.auth }));
  app.get('/boom', async () => {
    throw new Error('adopter failure');
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await drop?.();
});

async function signIn() {
  const response = await app.inject({
    method: 'POST',
    url: '/auth/github/callback',
    headers: { 'user-agent': CHROME_MAC },
  });
  expect(response.statusCode, response.body).toBe(200);
  return { body: response.json(), cookie: refreshCookieOf(response)!, response };
}

describe('Tenure as a plugin in an app with its own sign-in', () => {
  it('reply.startSession answers the sign-in body for the app’s own user id, with the refresh cookie', async () => {
    const { body, cookie, response } = await signIn();
    expect(body.user).toEqual({ id: 'github|4711', email: 'octo@example.com', name: 'Octo' });
    expect(body).not.toHaveProperty('refreshToken');
    expect(cookie).toBeTruthy();
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('the app’s route behind app.authenticate sees request.auth; refresh, sessions and logout work', async () => {
    const { body, cookie } = await signIn();
    const bearer = { authorization: `Bearer ${body.accessToken}` };
    const projects = await app.inject({ method: 'GET', url: '/projects', headers: bearer });
    expect(projects.json()).toEqual({
      auth: { userId: 'github|4711', sessionId: body.session.id, authTime: expect.any(String) },
    });

    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { tenure_refresh: cookie },
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.json().user).toEqual({ id: 'github|4711' });

    const list = await app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer });
    expect(list.json().sessions.map((s: { id: string }) => s.id)).toContain(body.session.id);
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer });
    expect(me.json().user).toEqual({ id: 'github|4711' });
    const events = await app.inject({ method: 'GET', url: '/api/auth/security-events', headers: bearer });
    expect(events.json().events.map((e: { type: string }) => e.type)).toContain('login_success');
  });

  it('a revoked session is refused on the app’s route in Tenure’s envelope; the app’s own errors keep its handler', async () => {
    const first = await signIn();
    const second = await signIn();
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${first.body.session.id}`,
      headers: { authorization: `Bearer ${second.body.accessToken}` },
    });
    expect(revoke.statusCode).toBe(204);
    const refused = await app.inject({
      method: 'GET',
      url: '/projects',
      headers: { authorization: `Bearer ${first.body.accessToken}` },
    });
    expect(refused.statusCode).toBe(401);
    expect(errorCode(refused)).toBe('session_revoked');
    const missing = await app.inject({ method: 'GET', url: '/projects' });
    expect(missing.statusCode).toBe(401);
    expect(errorCode(missing)).toBe('invalid_token');
    expect((await app.inject({ method: 'GET', url: '/boom' })).json()).toEqual({
      adopterError: 'Error: adopter failure',
    });
  });

  it('password routes are off: /register, /login and /password answer 404', async () => {
    for (const url of ['/api/auth/register', '/api/auth/login', '/api/auth/password']) {
      const response = await app.inject({ method: 'POST', url, payload: {} });
      expect(response.statusCode, url).toBe(404);
      expect(errorCode(response)).toBe('not_found');
    }
  });

  it('Tenure’s hooks stay on its own routes: no CSP or frame headers on the app’s routes', async () => {
    const { body } = await signIn();
    const projects = await app.inject({
      method: 'GET',
      url: '/projects',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(projects.headers['content-security-policy']).toBeUndefined();
    expect(projects.headers['x-frame-options']).toBeUndefined();
    expect(projects.headers['set-cookie']).toBeUndefined();
    const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.json().keys).toHaveLength(1);
  });

  it('a user id outside 1–255 characters is refused with 400 invalid_request', async () => {
    // The app's own error handler sees Tenure's error; it carries the status and code.
    const response = await app.inject({ method: 'POST', url: '/auth/too-long' });
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'invalid_request' });
  });
});

describe('Tenure leaves the app’s other routes alone', () => {
  it('a CORS preflight to the app’s own route is not answered by Tenure', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/projects',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.statusCode).toBe(404);
  });
});
