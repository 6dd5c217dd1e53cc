import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  loginAs,
  refreshCookieOf,
  registerUser,
  type TestApp,
  uniqueEmail,
} from '../helpers/build-test-app.ts';
import { securityEventsOf } from '../helpers/inspect.ts';

// Audit: each action writes its event once, with trusted IP, capped User-Agent and the
// request id; and no log line ever holds a password, a refresh token or an access token.
const lines: string[] = [];
const secrets = new Set<string>();
let t: TestApp;

const email = uniqueEmail();
const FIRST = 'first secret passphrase 7a1';
const SECOND = 'second secret passphrase 9c4';
const WRONG = 'wrong secret passphrase 3e8';
const LONG_UA = `${CHROME_MAC} ${'x'.repeat(2000)}`;

function remember(body: { accessToken?: string; refreshToken?: string }, cookie?: string) {
  for (const token of [body.accessToken, body.refreshToken, cookie]) {
    if (token) {
      secrets.add(token);
      // A signature alone would be as bad as the whole token.
      if (token.includes('.')) secrets.add(token.split('.')[2]!);
    }
  }
}

async function post(url: string, payload: unknown, headers: Record<string, string> = {}, cookies = {}) {
  const response = await t.app.inject({
    method: 'POST',
    url,
    headers: { 'user-agent': CHROME_MAC, ...headers },
    cookies,
    payload: payload as Record<string, unknown>,
  });
  if (response.headers['content-type']?.toString().includes('json'))
    remember(response.json(), refreshCookieOf(response));
  return response;
}

let userId: string;
beforeAll(async () => {
  secrets.add(FIRST).add(SECOND).add(WRONG);
  const logger = createLogger({ logLevel: 'trace' }, { write: (line: string) => void lines.push(line) });
  t = await buildTestApp({ LOG_LEVEL: 'trace' }, { logger });

  // A whole life: register, fail, sign in twice (cookie and body transport), refresh both ways,
  // read, change the password, sign the others out, log out — and some malformed requests.
  const registered = await post('/api/auth/register', { email, password: FIRST, name: 'Audit' });
  userId = registered.json().user.id;
  await post('/api/auth/login', { email, password: WRONG });
  const browser = await post('/api/auth/login', { email, password: FIRST }, { 'user-agent': LONG_UA });
  const cli = await post('/api/auth/login', { email, password: FIRST }, { 'x-token-transport': 'body' });
  const browserRefresh = refreshCookieOf(browser)!;
  const rotated = await post('/api/auth/refresh', {}, {}, { tenure_refresh: browserRefresh });
  await post('/api/auth/refresh', { refreshToken: cli.json().refreshToken }, { 'x-token-transport': 'body' });
  await authed(t.app, rotated.json().accessToken, 'GET', '/api/auth/me');
  await authed(t.app, rotated.json().accessToken, 'GET', '/api/auth/sessions');
  await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: `{"email":"${email}","password":"${WRONG}"`,
  });
  await post(
    '/api/auth/password',
    { currentPassword: FIRST, newPassword: SECOND },
    {
      authorization: `Bearer ${rotated.json().accessToken}`,
    },
  );
  await post('/api/auth/sessions/revoke-all', {}, { authorization: `Bearer ${rotated.json().accessToken}` });
  await post('/api/auth/logout', {}, { authorization: `Bearer ${rotated.json().accessToken}` });
  await authed(t.app, rotated.json().accessToken, 'GET', '/api/auth/me');
  await post('/api/auth/refresh', {}, {}, { tenure_refresh: browserRefresh });
});
afterAll(async () => t?.close());

describe('logs', () => {
  it('were written at all (the capture works)', () => {
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.join('')).toContain('/api/auth/login');
  });

  it('never contain a password, a refresh token, an access token or its signature', () => {
    expect(secrets.size).toBeGreaterThan(8);
    const all = lines.join('\n');
    for (const secret of secrets)
      expect(all.includes(secret), `a log line holds ${secret.slice(0, 6)}…`).toBe(false);
  });
});

describe('audit trail', () => {
  it('each action is recorded once', async () => {
    const events = await securityEventsOf(t.app, { userId });
    const count = (type: string) => events.filter((event) => event.type === type).length;
    expect(count('login_success')).toBe(3);
    expect(count('login_failure')).toBe(1);
    expect(count('password_changed')).toBe(1);
    expect(count('logout')).toBe(1);
    expect(count('refresh_failure')).toBe(1);
  });

  it('every event carries the trusted IP, a capped User-Agent and the id of its request', async () => {
    const events = await securityEventsOf(t.app, { userId });
    expect(events.length).toBeGreaterThan(5);
    for (const event of events) {
      expect(event.ip_address, event.type).toBe('127.0.0.1');
      expect((event.user_agent ?? '').length, event.type).toBeLessThanOrEqual(512);
      expect((event.detail as { requestId?: string }).requestId, event.type).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(events.some((event) => event.user_agent?.startsWith(`${CHROME_MAC} xxx`))).toBe(true);
    const requestIds = events.map((event) => (event.detail as { requestId: string }).requestId);
    const logged = lines.join('\n');
    for (const id of requestIds) expect(logged).toContain(id);
  });
});

describe('session_limit', () => {
  it('names the sign-in that pushed the oldest session out: its IP, User-Agent and request', async () => {
    const limited = await buildTestApp({ MAX_SESSIONS_PER_USER: '1' });
    try {
      const user = await registerUser(limited.app);
      await loginAs(limited.app, user.email, { headers: { 'x-forwarded-for': '198.51.100.1' } });
      const events = await securityEventsOf(limited.app, { userId: user.userId, type: 'session_limit' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        session_id: user.sessionId,
        ip_address: '127.0.0.1',
        user_agent: CHROME_MAC,
      });
      expect((events[0]!.detail as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await limited.close();
    }
  });
});
