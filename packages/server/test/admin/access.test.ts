import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { buildTestApp, registerUser, type TestApp } from '../helpers/build-test-app.ts';
import { expectEnvelope } from '../helpers/inspect.ts';
import { ADMIN_ROUTES, ADMIN_TOKEN, admin, BUILD_TIMEOUT_MS, userPath } from './admin-helpers.ts';

// The admin API exists only with ADMIN_API_TOKEN, answers only to that bearer token (compared in
// constant time), is rate-limited per client, and has no cookie or browser surface.
const ADMIN_API_TOKEN = ADMIN_TOKEN;

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('ADMIN_API_TOKEN and ADMIN_PORT at config load', () => {
  it('a token shorter than 32 characters stops the server with a message naming ADMIN_API_TOKEN', () => {
    const error = configError({ ADMIN_API_TOKEN: 'x'.repeat(31) });
    expect(error.variable).toBe('ADMIN_API_TOKEN');
    expect(error.message).toContain('ADMIN_API_TOKEN');
    expect(loadConfig({ ADMIN_API_TOKEN: 'x'.repeat(32) }).adminApiToken).toBe('x'.repeat(32));
  });

  it('a token with a space or a non-ASCII character is refused: it could never arrive intact in a header', () => {
    expect(configError({ ADMIN_API_TOKEN: `${'x'.repeat(20)} ${'y'.repeat(20)}` }).variable).toBe(
      'ADMIN_API_TOKEN',
    );
    expect(configError({ ADMIN_API_TOKEN: `${'x'.repeat(32)}é` }).variable).toBe('ADMIN_API_TOKEN');
  });

  it('ADMIN_PORT needs the token, a valid port, and a port of its own', () => {
    expect(configError({ ADMIN_PORT: '9465' }).variable).toBe('ADMIN_PORT');
    expect(configError({ ADMIN_API_TOKEN, ADMIN_PORT: 'http' }).variable).toBe('ADMIN_PORT');
    expect(configError({ ADMIN_API_TOKEN, PORT: '9465', ADMIN_PORT: '9465' }).variable).toBe('ADMIN_PORT');
    expect(loadConfig({ ADMIN_API_TOKEN, ADMIN_PORT: '9465' }).adminPort).toBe(9465);
  });
});

describe('without ADMIN_API_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => t?.close());

  it('every /api/admin path answers 404 not_found, with or without a token', async () => {
    for (const [method, url] of [...ADMIN_ROUTES, ['GET', '/api/admin'], ['GET', '/api/admin/x']] as const) {
      expectEnvelope(await admin(t.app, method, url), 404, 'not_found');
      expectEnvelope(await admin(t.app, method, url, { token: null }), 404, 'not_found');
    }
  });
});

describe('with ADMIN_API_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ ADMIN_API_TOKEN });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => t?.close());

  it('a missing or wrong bearer token is 401 invalid_token on every route, and unknown paths too', async () => {
    const wrong = [null, '', 'y'.repeat(40), ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`];
    for (const [method, url] of [...ADMIN_ROUTES, ['GET', '/api/admin/nothing-here']] as const) {
      for (const token of wrong)
        expectEnvelope(await admin(t.app, method, url, { token }), 401, 'invalid_token');
      const basic = await admin(t.app, method, url, {
        token: null,
        headers: { authorization: `Basic ${ADMIN_TOKEN}` },
      });
      expectEnvelope(basic, 401, 'invalid_token');
      expect(basic.headers['www-authenticate']).toBe('Bearer realm="admin"');
    }
  });

  it('with the token, unknown admin paths are 404 not_found', async () => {
    expectEnvelope(await admin(t.app, 'GET', '/api/admin/nothing-here'), 404, 'not_found');
  });

  it('sets no cookie, sends no CORS grant and refuses nothing on Origin: the bearer token is the only credential', async () => {
    const user = await registerUser(t.app);
    const response = await admin(t.app, 'GET', userPath(user.userId, 'sessions'), {
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', cookie: 'a=b' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['cache-control']).toBe('no-store');
    // The same request from that site without the token: refused for the token, not the origin.
    const anonymous = await admin(t.app, 'GET', userPath(user.userId, 'sessions'), {
      token: null,
      headers: { origin: 'https://evil.example' },
    });
    expectEnvelope(anonymous, 401, 'invalid_token');
  });

  it('bad input is a 4xx in the envelope: non-JSON body, unknown fields, ids out of range', async () => {
    const path = userPath('github|4711', 'sessions/revoke-all');
    const text = await admin(t.app, 'POST', path, { headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    const extra = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { everyone: true },
    });
    expectEnvelope(extra, 400, 'invalid_request');
    expectEnvelope(await admin(t.app, 'GET', userPath('x'.repeat(256), 'sessions')), 400, 'invalid_request');
    expectEnvelope(await admin(t.app, 'DELETE', '/api/admin/sessions/not-a-uuid'), 400, 'invalid_request');
  });

  it('is rate-limited per client: over the budget, 429 rate_limited with Retry-After; other clients go on', async () => {
    const remoteAddress = '203.0.113.7';
    const url = userPath('github|4711', 'sessions');
    // Requests without the token count too: guessing costs the same budget.
    const guesses = await Promise.all(
      Array.from({ length: 300 }, () => admin(t.app, 'GET', url, { token: 'guess', remoteAddress })),
    );
    expect(new Set(guesses.map((response) => response.statusCode))).toEqual(new Set([401]));
    const limited = await admin(t.app, 'GET', url, { remoteAddress });
    expectEnvelope(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await admin(t.app, 'GET', url, { remoteAddress: '198.51.100.7' })).statusCode).toBe(200);
  });
});
