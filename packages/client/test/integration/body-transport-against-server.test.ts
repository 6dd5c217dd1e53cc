// @vitest-environment node
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTenureClient, SessionExpiredError } from '../../src/index.ts';
import type { SessionEvent, TenureClient } from '../../src/types.ts';
import { memoryStorage } from '../helpers/body-server.ts';
import { Browser, type RealServer, startRealServer } from './real-server.ts';

// The client as a Node program (a CLI, a React Native app) uses it: no DOM, no cookie jar, the
// refresh token in the app's storage. The real @tenure/server answers; its clock is manual, so
// "the 3-second access token has expired" costs no waiting.

let server: RealServer;
const clients: TenureClient[] = [];

beforeAll(async () => {
  server = await startRealServer({
    ACCESS_TOKEN_TTL_MINUTES: '0.05',
    INACTIVITY_TIMEOUT_MINUTES: '1',
    ACTIVITY_CHECK_INTERVAL_MINUTES: '0.5',
  });
}, 120_000);
afterAll(async () => server?.close());
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
});

/**
 * One run of the app. `wire` records its requests and would carry cookies, had the server set
 * any; `{ stock: true }` leaves axios's own Node adapter alone.
 */
function app(storage = memoryStorage(), { stock = false } = {}) {
  const wire = new Browser();
  const client = createTenureClient({
    baseURL: server.baseURL,
    transport: 'body',
    storage: storage.storage,
    ...(!stock && { adapter: wire.adapter }),
  });
  clients.push(client);
  const events: SessionEvent[] = [];
  client.sessionEvents.subscribe((event) => events.push(event));
  const expired = () => events.filter((event) => event.type === 'expired');
  return { client, events, expired, storage, wire };
}

const password = 'correct horse battery staple';
const email = () => `ada-${randomBytes(4).toString('hex')}@example.com`;

/** The refresh token the server would accept: a refresh with it succeeds or fails with a code. */
async function refreshWith(refreshToken: string): Promise<number | string> {
  const response = await axios.post(
    `${server.baseURL}/api/auth/refresh`,
    { refreshToken },
    {
      headers: { 'X-Token-Transport': 'body' },
      validateStatus: () => true,
    },
  );
  return response.status === 200 ? 200 : (response.data as { error: { code: string } }).error.code;
}

describe('@tenure/client with transport body, in Node, against the real server', () => {
  it('signs in without a cookie, calls the API, and one refresh serves concurrent requests once the token expired', async () => {
    const { client, events, storage, wire } = app();
    const address = email();
    await client.register({ email: address, password });

    expect(typeof window).toBe('undefined');
    expect(wire.cookieNames()).toEqual([]);
    const first = storage.value();
    expect(first).toEqual(expect.any(String));
    const me = await client.api.get('/api/auth/me');
    expect(me.data).toMatchObject({ user: { email: address } });

    // Past the 3-second token on the server, well within the 1-minute idle timeout. Whether the
    // requests meet the server's 401 or the client's own expiry check first, one refresh serves all.
    server.clock.advance(4_000);
    const results = await Promise.all(Array.from({ length: 5 }, () => client.api.get('/api/auth/me')));

    expect(results.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(wire.count('POST /api/auth/refresh')).toBe(1);
    expect(events.filter((event) => event.type === 'refreshed')).toHaveLength(1);
    // The stored token rotated; the old one is only good for the reuse grace window now.
    expect(storage.value()).toEqual(expect.any(String));
    expect(storage.value()).not.toBe(first);
    expect(wire.cookieNames()).toEqual([]);
  });

  it('a second run of the app restores the session from storage, with stock axios and no adapter', async () => {
    const storage = memoryStorage();
    const firstRun = app(storage);
    await firstRun.client.register({ email: email(), password });
    const [session] = await firstRun.client.listSessions();
    const before = storage.value();
    firstRun.client.stop();

    const secondRun = app(storage, { stock: true });
    const restored = await secondRun.client.restore();

    expect(restored).toMatchObject({ status: 'signedIn', session: { id: session!.id } });
    expect(storage.value()).not.toBe(before);
    expect(await secondRun.client.listSessions()).toMatchObject([{ id: session!.id, isCurrent: true }]);
    expect(secondRun.expired()).toEqual([]);
  });

  it('with nothing stored, a run starts signed out without an event or a request', async () => {
    const { client, events, wire } = app();
    expect(await client.restore()).toEqual({ status: 'signedOut', reason: 'none' });
    expect(events).toEqual([]);
    expect(wire.calls).toEqual([]);
  });

  it('revoked from another device via DELETE /sessions/:id: expired once, storage cleared, the token refused', async () => {
    const address = email();
    const cli = app();
    await cli.client.register({ email: address, password });
    const token = cli.storage.value()!;
    const laptop = app();
    await laptop.client.login({ email: address, password });
    const cliSession = (await laptop.client.listSessions()).find((session) => !session.isCurrent)!;

    await laptop.client.revokeSession(cliSession.id);
    expect(laptop.wire.count(`DELETE /api/auth/sessions/${cliSession.id}`)).toBe(1);

    const results = await Promise.allSettled([
      cli.client.api.get('/api/auth/me'),
      cli.client.listSessions(),
      cli.client.api.get('/api/auth/me'),
    ]);
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof SessionExpiredError)).toBe(
      true,
    );
    expect(cli.expired()).toEqual([{ type: 'expired', code: 'session_revoked' }]);
    expect(cli.storage.value()).toBeUndefined();
    expect(cli.client.getState()).toEqual({ status: 'signedOut', reason: 'expired' });
    expect(await refreshWith(token)).toBe('session_revoked');
    expect(laptop.client.getState().status).toBe('signedIn');
  });

  it('a refresh the server refuses (idle past the timeout) clears storage and emits expired once', async () => {
    const { client, expired, storage } = app();
    await client.register({ email: email(), password });
    expect(storage.value()).toEqual(expect.any(String));
    server.clock.advance(2 * 60_000);

    await expect(client.api.get('/api/auth/me')).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(client.extend()).rejects.toBeInstanceOf(SessionExpiredError);

    expect(expired()).toEqual([{ type: 'expired', code: 'session_expired' }]);
    expect(storage.value()).toBeUndefined();
  });

  it('logout revokes the session with the stored token and deletes it; the next run finds nobody', async () => {
    const storage = memoryStorage();
    const { client, events, wire } = app(storage);
    await client.register({ email: email(), password });
    const token = storage.value()!;

    await client.logout();

    expect(wire.count('POST /api/auth/logout')).toBe(1);
    expect(events).toEqual([{ type: 'signedOut' }]);
    expect(storage.value()).toBeUndefined();
    expect(await refreshWith(token)).toBe('session_revoked');
    expect(await app(storage).client.restore()).toEqual({ status: 'signedOut', reason: 'none' });
  });
});
