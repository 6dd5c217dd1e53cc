import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeolocator, type Geolocator } from '../../src/devices/index.ts';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  loginAs,
  PASSWORD,
  refresh,
  registerUser,
  SAFARI_IPHONE,
  type TestApp,
  uniqueEmail,
} from '../helpers/build-test-app.ts';

const PIXEL_CHROME =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

let geolocator: Geolocator;
beforeAll(async () => {
  geolocator = await createGeolocator();
});

async function currentSession(t: TestApp, accessToken: string) {
  const response = await authed(t.app, accessToken, 'GET', '/api/auth/sessions');
  return response.json().sessions.find((s: { isCurrent: boolean }) => s.isCurrent);
}

async function login(t: TestApp, email: string, headers: Record<string, string>, remoteAddress?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'user-agent': CHROME_MAC, ...headers },
    payload: { email, password: PASSWORD },
    ...(remoteAddress && { remoteAddress }),
  });
}

describe('client IP and location behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ TRUST_PROXY: '127.0.0.1' }, { geolocator });
  });
  afterAll(async () => t?.close());

  it('uses X-Forwarded-For from the trusted proxy: 8.8.8.8 is in the United States', async () => {
    const user = await registerUser(t.app);
    const response = await login(t, user.email, { 'x-forwarded-for': '8.8.8.8' });
    expect(response.statusCode).toBe(200);
    const session = await currentSession(t, response.json().accessToken);
    expect(session.ipAddress).toBe('8.8.8.8');
    expect(session.location).toMatch(/United States$/);
  });

  it('a malformed X-Forwarded-For signs in from the socket address instead of failing', async () => {
    const user = await registerUser(t.app);
    for (const header of ['not-an-ip', '999.1.1.1, ,', `${'1'.repeat(5000)}`, '::::::']) {
      const response = await login(t, user.email, { 'x-forwarded-for': header });
      expect(response.statusCode, header).toBe(200);
      const session = await currentSession(t, response.json().accessToken);
      expect(session.ipAddress).toBe('127.0.0.1');
    }
  });
});

describe('client IP without a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({}, { geolocator });
  });
  afterAll(async () => t?.close());

  it('ignores X-Forwarded-For and uses the socket address', async () => {
    const user = await registerUser(t.app);
    const response = await login(t, user.email, { 'x-forwarded-for': '8.8.8.8' });
    const session = await currentSession(t, response.json().accessToken);
    expect(session.ipAddress).toBe('127.0.0.1');
    expect(session.location).toBe('Local network');
  });

  it('records an IPv4-mapped IPv6 socket address as plain IPv4, with its location', async () => {
    const user = await registerUser(t.app);
    const response = await login(t, user.email, {}, '::ffff:8.8.8.8');
    const session = await currentSession(t, response.json().accessToken);
    expect(session.ipAddress).toBe('8.8.8.8');
    expect(session.location).toMatch(/United States$/);
  });

  it('records an IPv6 socket address in its compressed form', async () => {
    const user = await registerUser(t.app);
    const response = await login(t, user.email, {}, '2001:4860:4860:0:0:0:0:8888');
    const session = await currentSession(t, response.json().accessToken);
    expect(session.ipAddress).toBe('2001:4860:4860::8888');
  });

  it('client hints name the phone model the User-Agent hides', async () => {
    const user = await registerUser(t.app);
    const response = await login(t, user.email, {
      'user-agent': PIXEL_CHROME,
      'sec-ch-ua-mobile': '?1',
      'sec-ch-ua-model': '"Pixel 8"',
      'sec-ch-ua-platform': '"Android"',
      'sec-ch-ua-platform-version': '"14.0.0"',
    });
    const session = await currentSession(t, response.json().accessToken);
    expect(session.deviceType).toBe('mobile');
    expect(session.deviceName).toBe('Pixel 8');
  });
});

describe('new device alerts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({}, { geolocator });
  });
  afterAll(async () => t?.close());

  async function eventsOf(accessToken: string, type: string) {
    const response = await authed(t.app, accessToken, 'GET', '/api/auth/security-events');
    return response.json().events.filter((event: { type: string }) => event.type === type);
  }

  it('a sign-in from a new device writes new_device once, never on refresh or repeat sign-ins', async () => {
    const email = uniqueEmail();
    await registerUser(t.app, { email, userAgent: CHROME_MAC });
    const sameDevice = await loginAs(t.app, email, { userAgent: CHROME_MAC });
    expect(await eventsOf(sameDevice.accessToken, 'new_device')).toHaveLength(0);

    const phone = await loginAs(t.app, email, { userAgent: SAFARI_IPHONE });
    const events = await eventsOf(phone.accessToken, 'new_device');
    expect(events).toHaveLength(1);
    expect(events[0].detail.deviceName).toBe('iPhone');

    let token = phone.refreshToken;
    for (let i = 0; i < 3; i++) {
      const response = await refresh(t.app, token, { 'user-agent': SAFARI_IPHONE });
      expect(response.statusCode).toBe(200);
      token = response.cookies.find((c) => c.name.endsWith('tenure_refresh'))!.value;
    }
    const again = await loginAs(t.app, email, { userAgent: SAFARI_IPHONE });
    expect(await eventsOf(again.accessToken, 'new_device')).toHaveLength(1);
  });

  it('a sign-in from a country not used before writes new_location once per country', async () => {
    const email = uniqueEmail();
    await registerUser(t.app, { email });
    await login(t, email, {}, '8.8.8.8');
    const fromGermany = await login(t, email, {}, '::ffff:85.214.132.117');
    expect(fromGermany.statusCode).toBe(200);
    const token = fromGermany.json().accessToken;
    await login(t, email, {}, '85.214.132.117');
    const events = await eventsOf(token, 'new_location');
    // Newest first: Germany, then the United States (registration came from the local network).
    expect(events.map((event: { detail: { country: string } }) => event.detail.country)).toEqual([
      'DE',
      'US',
    ]);
  });
});
