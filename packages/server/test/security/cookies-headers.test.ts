import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  CHROME_MAC,
  registerUser,
  type TestApp,
  uniqueEmail,
} from '../helpers/build-test-app.ts';
import { expectEnvelope } from '../helpers/inspect.ts';

// Cookies and security headers: what a browser is told to do with our responses.
function setCookieHeader(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  return Array.isArray(header) ? header.join('\n') : String(header ?? '');
}

/** A built web app of one page, so that the standalone server has HTML to answer with. */
function webRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Tenure</title>');
  return dir;
}

function attributes(setCookie: string): string[] {
  return setCookie
    .split(';')
    .slice(1)
    .map((part) => part.trim().split('=')[0]!.toLowerCase())
    .filter((name) => name !== 'expires' && name !== 'max-age')
    .sort();
}

describe('the refresh cookie with COOKIE_SECURE (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ COOKIE_SECURE: 'true' });
  });
  afterAll(async () => t?.close());

  async function signIn() {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'user-agent': CHROME_MAC },
      payload: { email: uniqueEmail(), password: 'a long and unusual passphrase' },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response;
  }

  it('is __Secure- prefixed, HttpOnly, Secure, SameSite=Strict, Path=/api/auth', async () => {
    const response = await signIn();
    const setCookie = setCookieHeader(response);
    expect(setCookie).toMatch(/^__Secure-tenure_refresh=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\/api\/auth(;|$)/);
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it('expires no later than the session does', async () => {
    const response = await signIn();
    const cookie = response.cookies[0]!;
    const sessionExpiresAt = Date.parse(response.json().session.expiresAt);
    expect(new Date(cookie.expires!).getTime()).toBeLessThanOrEqual(sessionExpiresAt);
    expect(cookie.maxAge! * 1000).toBeLessThanOrEqual(sessionExpiresAt - Date.now() + 1000);
  });

  it('logout clears it with identical attributes and sends Clear-Site-Data', async () => {
    const signedIn = await signIn();
    const token = signedIn.cookies[0]!.value;
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      cookies: { '__Secure-tenure_refresh': token },
    });
    expect(logout.statusCode, logout.body).toBe(204);
    expect(logout.headers['clear-site-data']).toBe('"cookies"');
    const cleared = setCookieHeader(logout);
    expect(cleared).toMatch(/^__Secure-tenure_refresh=;/);
    expect(attributes(cleared)).toEqual(attributes(setCookieHeader(signedIn)));
    expect(logout.cookies[0]!.expires!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('no response body of a browser sign-in carries the refresh token', async () => {
    const response = await signIn();
    expect(response.body).not.toContain(response.cookies[0]!.value);
  });
});

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ WEB_ROOT: webRoot() });
  });
  afterAll(async () => t?.close());

  const page = () => t.app.inject({ method: 'GET', url: '/settings/security' });

  it('auth responses, successes and errors alike, are never cached', async () => {
    const user = await registerUser(t.app);
    const responses = [
      await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${user.accessToken}` },
      }),
      await t.app.inject({ method: 'GET', url: '/api/auth/me' }),
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: 'wrong password' },
      }),
    ];
    for (const response of responses) expect(response.headers['cache-control']).toBe('no-store');
  });

  it('an HTML page’s CSP allows only our own scripts, styles and API, and no framing', async () => {
    const response = await page();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(response.headers['content-security-policy']);
    const directives = Object.fromEntries(
      csp.split(';').map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'frame-ancestors': "'none'",
      'base-uri': "'self'",
    });
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('an HTML page gets X-Frame-Options DENY, nosniff and no-referrer, and no X-Powered-By or HSTS over HTTP', async () => {
    const response = await page();
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('JSON answers get nosniff and no-referrer, not the document headers (CSP, frame options)', async () => {
    for (const url of ['/api/auth/config', '/healthz', '/.well-known/jwks.json']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.headers['content-type'], url).toMatch(/^application\/json/);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
      expect(response.headers['content-security-policy'], url).toBeUndefined();
      expect(response.headers['x-frame-options'], url).toBeUndefined();
      expect(response.headers['x-powered-by'], url).toBeUndefined();
    }
  });

  it('JSON error responses carry nosniff too', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/nowhere' });
    expectEnvelope(response, 404, 'not_found');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBeUndefined();
  });
});

describe('ENFORCE_HTTPS', () => {
  // `direct` keeps the default ALLOWED_ORIGINS (http://localhost, http://127.0.0.1: no https
  // origin); `proxied`, behind a trusted proxy, has https ones.
  let direct: TestApp;
  let proxied: TestApp;
  beforeAll(async () => {
    direct = await buildTestApp({ ENFORCE_HTTPS: 'true' });
    proxied = await buildTestApp({
      ENFORCE_HTTPS: 'true',
      TRUST_PROXY: '127.0.0.1',
      ALLOWED_ORIGINS: 'http://localhost:3000,https://tenure.example,https://www.tenure.example',
      WEB_ROOT: webRoot(),
    });
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });

  const login = (t: TestApp, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers,
      payload: { email: uniqueEmail(), password: 'a long and unusual passphrase' },
    });
  const page = (t: TestApp, headers: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: '/settings/security?tab=devices', headers });

  it('refuses the API over plain HTTP with 403 before reading credentials', async () => {
    expectEnvelope(await login(direct), 403, 'forbidden');
  });

  it('redirects a page requested over plain HTTP to the https allowed origin of its host', async () => {
    for (const host of ['tenure.example', 'www.tenure.example']) {
      const response = await page(proxied, { host });
      expect(response.statusCode).toBe(301);
      expect(response.headers.location).toBe(`https://${host}/settings/security?tab=devices`);
    }
  });

  it('never redirects to a Host or X-Forwarded-Host that is not an allowed origin', async () => {
    const forged: Record<string, string>[] = [
      { host: 'evil.example' },
      { host: 'tenure.example', 'x-forwarded-host': 'evil.example' },
    ];
    for (const headers of forged) {
      const response = await page(proxied, headers);
      expect(response.statusCode).toBe(301);
      expect(String(response.headers.location)).not.toContain('evil');
      expect(response.headers.location).toBe('https://tenure.example/settings/security?tab=devices');
    }
  });

  it('with no https allowed origin to go to, a page over plain HTTP is refused, not redirected', async () => {
    expectEnvelope(await page(direct, { host: 'evil.example' }), 403, 'forbidden');
  });

  it('a client cannot claim HTTPS with X-Forwarded-Proto unless TRUST_PROXY says so', async () => {
    expectEnvelope(await login(direct, { 'x-forwarded-proto': 'https' }), 403, 'forbidden');
    expectEnvelope(await login(proxied, { 'x-forwarded-proto': 'https' }), 401, 'invalid_credentials');
  });

  it('sends HSTS on every answer and upgrade-insecure-requests on pages; health checks still answer over HTTP', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    const health = await proxied.app.inject({ method: 'GET', url: '/healthz', headers: https });
    expect(health.headers['strict-transport-security']).toMatch(/max-age=31536000; includeSubDomains/);
    const api = await proxied.app.inject({ method: 'GET', url: '/api/auth/config', headers: https });
    expect(api.headers['strict-transport-security']).toMatch(/max-age=31536000; includeSubDomains/);
    const html = await page(proxied, { ...https, host: 'tenure.example' });
    expect(html.statusCode).toBe(200);
    expect(html.headers['strict-transport-security']).toMatch(/max-age=31536000; includeSubDomains/);
    expect(html.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect((await direct.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
