// @vitest-environment node
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAxiosError } from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTenureClient, SessionExpiredError } from '../../src/index.ts';
import type { SessionEvent, TenureClient } from '../../src/types.ts';
import { Browser, type RealServer, startRealServer } from './real-server.ts';

// The real @tenure/server (buildApp, memory:// PGlite) driven by the client over HTTP.
// The server's clock is a ManualClock, so "five minutes later" costs no waiting.

let server: RealServer;
const clients: TenureClient[] = [];

beforeAll(async () => {
  server = await startRealServer({
    ACCESS_TOKEN_TTL_MINUTES: '5',
    INACTIVITY_TIMEOUT_MINUTES: '15',
    ACTIVITY_CHECK_INTERVAL_MINUTES: '5',
  });
}, 120_000);
afterAll(async () => server?.close());
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
});

function tab(browser: Browser) {
  const client = createTenureClient({ baseURL: server.baseURL, adapter: browser.adapter });
  clients.push(client);
  const events: SessionEvent[] = [];
  client.sessionEvents.subscribe((event) => events.push(event));
  return { client, events };
}

const password = 'correct horse battery staple';
const email = () => `ada-${randomBytes(4).toString('hex')}@example.com`;

describe('@tenure/client against the real server', () => {
  it('registers, learns the policy from the server, lists its session and security events', async () => {
    const browser = new Browser();
    const { client } = tab(browser);
    await client.register({ email: email(), password, name: 'Ada' });

    expect(client.getState()).toMatchObject({
      status: 'signedIn',
      user: { name: 'Ada' },
      policy: {
        inactivityTimeoutSeconds: 900,
        activityCheckIntervalSeconds: 300,
        accessTokenTtlSeconds: 300,
      },
    });
    expect(browser.cookieNames()).toHaveLength(1);
    const sessions = await client.listSessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ isCurrent: true });
    const events = await client.listSecurityEvents();
    expect(events.length).toBeGreaterThan(0);
  });

  it('restores the session on page load from the refresh cookie alone', async () => {
    const browser = new Browser();
    const first = tab(browser);
    const address = email();
    await first.client.register({ email: address, password });

    const reloaded = tab(browser);
    const state = await reloaded.client.restore();

    expect(state).toMatchObject({ status: 'signedIn', user: { email: address } });
    expect(await reloaded.client.listSessions()).toHaveLength(1);
  });

  it('with nobody signed in, page load settles signed out (none) without an expired event', async () => {
    const { client, events } = tab(new Browser());
    expect(await client.restore()).toEqual({ status: 'signedOut', reason: 'none' });
    expect(events).toEqual([]);
  });

  it('ten concurrent calls with an expired access token cause one refresh and all succeed', async () => {
    const browser = new Browser();
    const { client } = tab(browser);
    await client.register({ email: email(), password });
    server.clock.advance(6 * 60_000); // past the 5-minute token, within the 15-minute idle timeout

    const lists = await Promise.all(Array.from({ length: 10 }, () => client.listSessions()));

    expect(lists.every((list) => list.length === 1)).toBe(true);
    expect(browser.count('POST /api/auth/refresh')).toBe(1);
    expect(browser.count('GET /api/auth/sessions')).toBe(20);
  });

  it('a session revoked from another device ends at its next call: SessionExpiredError and one expired event', async () => {
    const address = email();
    const phone = tab(new Browser());
    await phone.client.register({ email: address, password });
    const laptop = tab(new Browser());
    await laptop.client.login({ email: address, password });

    const laptopSession = (await phone.client.listSessions()).find((s) => !s.isCurrent);
    await phone.client.revokeSession(laptopSession!.id);

    const results = await Promise.allSettled([
      laptop.client.listSessions(),
      laptop.client.listSecurityEvents(),
    ]);
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof SessionExpiredError)).toBe(
      true,
    );
    expect(laptop.events.filter((e) => e.type === 'expired')).toEqual([
      { type: 'expired', code: 'session_revoked' },
    ]);
    expect(laptop.client.getState()).toEqual({ status: 'signedOut', reason: 'expired' });
    expect(phone.client.getState().status).toBe('signedIn');
  });

  it('an idle session cannot be refreshed: the open tab expires it once', async () => {
    const browser = new Browser();
    const { client, events } = tab(browser);
    await client.register({ email: email(), password });
    server.clock.advance(16 * 60_000);

    await expect(client.listSessions()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(events.filter((e) => e.type === 'expired')).toEqual([
      { type: 'expired', code: 'session_expired' },
    ]);
  });

  it('reopening the app after the idle timeout says the session expired (reason expired, no modal event)', async () => {
    const browser = new Browser();
    const closedTab = tab(browser);
    await closedTab.client.register({ email: email(), password });
    closedTab.client.stop();
    server.clock.advance(16 * 60_000);

    const reopened = tab(browser);
    expect(await reopened.client.restore()).toEqual({ status: 'signedOut', reason: 'expired' });
    expect(reopened.events).toEqual([]);
  });

  it('revoke-all signs out every other device and keeps this one', async () => {
    const address = email();
    const phone = tab(new Browser());
    await phone.client.register({ email: address, password });
    const laptop = tab(new Browser());
    await laptop.client.login({ email: address, password });
    const tablet = tab(new Browser());
    await tablet.client.login({ email: address, password });

    expect(await phone.client.revokeAllOtherSessions()).toBe(2);

    await expect(laptop.client.listSessions()).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(tablet.client.extend()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(await phone.client.listSessions()).toHaveLength(1);
    expect(tablet.events.filter((e) => e.type === 'expired')).toHaveLength(1);
  });

  it('logout ends the session on the server: the cookie is gone and a reload finds nobody', async () => {
    const browser = new Browser();
    const { client, events } = tab(browser);
    await client.register({ email: email(), password });

    await client.logout();

    expect(events).toEqual([{ type: 'signedOut' }]);
    expect(browser.cookieNames()).toEqual([]);
    expect(await tab(browser).client.restore()).toEqual({ status: 'signedOut', reason: 'none' });
  });

  it('api keeps the token from a third-party origin, and that origin’s 401 does not refresh', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const thirdParty = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'token_expired', message: 'not yours' } }));
    });
    await new Promise<void>((done) => thirdParty.listen(0, '127.0.0.1', done));
    const { port } = thirdParty.address() as AddressInfo;
    try {
      const browser = new Browser();
      const { client, events } = tab(browser);
      await client.register({ email: email(), password });

      const error = await client.api.get(`http://127.0.0.1:${port}/v1/profile`).catch((e: unknown) => e);

      expect(isAxiosError(error) && error.response?.status).toBe(401);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.authorization).toBeUndefined();
      expect(browser.count('POST /api/auth/refresh')).toBe(0);
      expect(events).toEqual([]);
      expect(await client.listSessions()).toHaveLength(1);
    } finally {
      await new Promise((done) => thirdParty.close(done));
    }
  });

  it('a wrong password is a 401 for the form, with no session-expired flow', async () => {
    const address = email();
    await tab(new Browser()).client.register({ email: address, password });
    const { client, events } = tab(new Browser());

    const error = await client
      .login({ email: address, password: 'not the password' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'invalid_credentials', status: 401 });
    expect(client.messageFor(error)).toBe('Invalid email or password.');
    expect(events).toEqual([]);
  });
});
