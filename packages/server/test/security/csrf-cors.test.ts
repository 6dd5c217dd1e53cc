import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  PASSWORD,
  refresh,
  refreshCookieOf,
  type SignedIn,
  type TestApp,
  uniqueEmail,
} from '../helpers/build-test-app.ts';
import { expectEnvelope, rowCounts, securityEventsOf } from '../helpers/inspect.ts';

// cookie-authenticated, state-changing routes refuse cross-site requests (403
// csrf_rejected, nothing changes) and any body that is not JSON (415); CORS is an exact allow-list.
const APP_ORIGIN = 'https://app.example.com';
const EVIL = 'https://evil.example';
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ ALLOWED_ORIGINS: `${APP_ORIGIN},http://localhost:3000` });
});
afterAll(async () => t?.close());

let users = 0;
/** A signed-in user registered from an address of its own: this file is not about register's per-IP budget. */
async function registerUser(app: TestApp['app']): Promise<SignedIn> {
  users += 1;
  const email = uniqueEmail();
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    remoteAddress: `198.18.${users >> 8}.${users & 255}`,
    headers: { 'user-agent': CHROME_MAC },
    payload: { email, password: PASSWORD },
  });
  expect(response.statusCode, response.body).toBe(201);
  const { accessToken, session, user } = response.json();
  return {
    accessToken,
    refreshToken: refreshCookieOf(response)!,
    sessionId: session.id,
    userId: user.id,
    email,
  };
}

type CookieRoute = 'register' | 'login' | 'refresh' | 'logout';
const cookieRoutes: CookieRoute[] = ['register', 'login', 'refresh', 'logout'];

function post(route: CookieRoute, user: SignedIn, headers: Record<string, string>, body?: string) {
  const payloads: Record<CookieRoute, unknown> = {
    register: { email: uniqueEmail(), password: 'a long and unusual passphrase' },
    login: { email: user.email, password: PASSWORD },
    refresh: {},
    logout: {},
  };
  return t.app.inject({
    method: 'POST',
    url: `/api/auth/${route}`,
    headers: { 'user-agent': CHROME_MAC, 'content-type': 'application/json', ...headers },
    cookies: { tenure_refresh: user.refreshToken },
    payload: body ?? JSON.stringify(payloads[route]),
  });
}

async function expectUnchanged(user: SignedIn, before: Awaited<ReturnType<typeof rowCounts>>) {
  expect(await rowCounts(t.app)).toEqual(before);
  // The session is alive and its refresh token was neither rotated nor revoked.
  expect((await authed(t.app, user.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
  expect((await refresh(t.app, user.refreshToken)).statusCode).toBe(200);
}

describe('cross-site requests on cookie routes', () => {
  it.each(cookieRoutes)(
    'a foreign Origin on /%s gets 403 csrf_rejected and changes nothing',
    async (route) => {
      const user = await registerUser(t.app);
      const before = await rowCounts(t.app);
      const response = await post(route, user, { origin: EVIL, 'x-requested-with': 'tenure' });
      expectEnvelope(response, 403, 'csrf_rejected');
      expect(response.cookies).toEqual([]);
      await expectUnchanged(user, before);
    },
  );

  it('Origin: null (sandboxed frames, data: URLs) is foreign too', async () => {
    const user = await registerUser(t.app);
    expectEnvelope(
      await post('refresh', user, { origin: 'null', 'x-requested-with': 'tenure' }),
      403,
      'csrf_rejected',
    );
  });

  it('an origin that merely starts like an allowed one is foreign', async () => {
    const user = await registerUser(t.app);
    for (const origin of [`${APP_ORIGIN}.evil.example`, `${APP_ORIGIN}:8443`, 'http://app.example.com']) {
      expectEnvelope(
        await post('login', user, { origin, 'x-requested-with': 'tenure' }),
        403,
        'csrf_rejected',
      );
    }
  });

  it('without Origin, Sec-Fetch-Site cross-site or same-site is refused', async () => {
    const user = await registerUser(t.app);
    for (const site of ['cross-site', 'same-site']) {
      const response = await post('logout', user, { 'sec-fetch-site': site, 'x-requested-with': 'tenure' });
      expectEnvelope(response, 403, 'csrf_rejected');
    }
    expect((await authed(t.app, user.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
  });

  it('a browser request from the allowed origin still needs a non-empty X-Requested-With', async () => {
    const user = await registerUser(t.app);
    expectEnvelope(await post('refresh', user, { origin: APP_ORIGIN }), 403, 'csrf_rejected');
    expectEnvelope(await post('refresh', user, { 'sec-fetch-site': 'same-origin' }), 403, 'csrf_rejected');
    expectEnvelope(
      await post('refresh', user, { origin: APP_ORIGIN, 'x-requested-with': ' ' }),
      403,
      'csrf_rejected',
    );
    expect(
      (await post('refresh', user, { origin: APP_ORIGIN, 'x-requested-with': 'tenure' })).statusCode,
    ).toBe(200);
  });

  it.each(['XMLHttpRequest', 'curl', 'tenure'])(
    'a browser request with the header is served, whatever its value (%s), from the allowed origin or same-origin',
    async (value) => {
      const user = await registerUser(t.app);
      const fromOrigin = await post('refresh', user, { origin: APP_ORIGIN, 'x-requested-with': value });
      expect(fromOrigin.statusCode, fromOrigin.body).toBe(200);
      const sameOrigin = await post('logout', user, {
        'sec-fetch-site': 'same-origin',
        'x-requested-with': value,
      });
      expect(sameOrigin.statusCode, sameOrigin.body).toBe(204);
    },
  );

  it('the 403 names the check that failed: origin, custom header or cross-site fetch', async () => {
    const user = await registerUser(t.app);
    const message = async (headers: Record<string, string>) => {
      const response = await post('refresh', user, headers);
      expectEnvelope(response, 403, 'csrf_rejected');
      return response.json().error.message as string;
    };
    const badOrigin = await message({ origin: EVIL, 'x-requested-with': 'tenure' });
    expect(badOrigin).toMatch(/origin/i);
    expect(badOrigin).not.toMatch(/X-Requested-With|cross-site/i);
    const missing = await message({ origin: APP_ORIGIN });
    expect(missing).toMatch(/X-Requested-With/);
    expect(missing).not.toMatch(/origin|cross-site/i);
    const crossSite = await message({ 'sec-fetch-site': 'cross-site', 'x-requested-with': 'tenure' });
    expect(crossSite).toMatch(/cross-site/i);
    expect(crossSite).not.toMatch(/X-Requested-With/);
  });

  it('a rejection writes a csrf_rejected security event with the trusted IP, once per wave', async () => {
    const attempt = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.7',
        headers: { origin: EVIL, 'x-requested-with': 'tenure', 'user-agent': CHROME_MAC },
        payload: { email: uniqueEmail(), password: 'whatever it is' },
      });
    expectEnvelope(await attempt(), 403, 'csrf_rejected');
    expectEnvelope(await attempt(), 403, 'csrf_rejected');
    const events = await securityEventsOf(t.app, { type: 'csrf_rejected' });
    const mine = events.filter((event) => event.ip_address === '203.0.113.7');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ user_agent: CHROME_MAC });
    expect(mine[0]!.detail).toMatchObject({ why: 'origin', route: '/api/auth/login', origin: EVIL });
    expect((mine[0]!.detail as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('non-JSON bodies are refused before any handler runs', () => {
  const bodies: Array<[string, string, string]> = [
    ['text/plain', 'text/plain', '{"email":"a@b.c","password":"x"}'],
    ['form', 'application/x-www-form-urlencoded', 'email=a%40b.c&password=x'],
    [
      'multipart',
      'multipart/form-data; boundary=XyZ',
      '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--XyZ--\r\n',
    ],
    ['empty form', 'application/x-www-form-urlencoded', ''],
  ];
  for (const route of cookieRoutes) {
    it.each(bodies)(`/${route} answers 415 to a %s body and changes nothing`, async (_name, type, body) => {
      const user = await registerUser(t.app);
      const before = await rowCounts(t.app);
      const response: LightMyRequestResponse = await post(route, user, { 'content-type': type }, body);
      expectEnvelope(response, 415, 'unsupported_media_type');
      await expectUnchanged(user, before);
    });
  }
});

describe('CORS', () => {
  function preflight(origin: string) {
    return t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/refresh',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-requested-with',
      },
    });
  }

  it('an allowed origin gets exactly itself back, with credentials', async () => {
    const response = await preflight(APP_ORIGIN);
    expect(response.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain(
      'x-requested-with',
    );
  });

  it.each([EVIL, 'null', `${APP_ORIGIN}.evil.example`, 'https://APP.example.com'])(
    'the origin %s is never echoed nor answered with a wildcard',
    async (origin) => {
      for (const response of [
        await preflight(origin),
        await t.app.inject({ method: 'GET', url: '/api/auth/config', headers: { origin } }),
      ]) {
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
        expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      }
    },
  );

  it('responses vary on Origin, so a cache never serves one origin’s answer to another', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/auth/config',
      headers: { origin: APP_ORIGIN },
    });
    expect(String(response.headers.vary)).toMatch(/origin/i);
  });
});
