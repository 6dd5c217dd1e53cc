import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionExpiredError } from '../src/index.ts';
import { bearer, closeTabs, openTab, type TestTab } from './helpers/clients.ts';
import { createFakeLocks, installLocks } from './helpers/fake-locks.ts';
import { createFakeServer, type FakeServer } from './helpers/fake-server.ts';

// Two clients in one test are two tabs of one browser: they share the fake server's cookie,
// the BroadcastChannel('tenure') and (when installed) navigator.locks.

afterEach(() => {
  closeTabs();
  installLocks(undefined);
});

async function twoSignedInTabs(server: FakeServer): Promise<[TestTab, TestTab]> {
  const a = openTab(server);
  const b = openTab(server);
  await a.client.login({ email: 'ada@example.com', password: 'correct horse' });
  // B hears about the sign-in and adopts it without a request of its own.
  await vi.waitFor(() => expect(b.client.getState().status).toBe('signedIn'));
  expect(server.count('POST', '/api/auth/refresh')).toBe(0);
  return [a, b];
}

function nextMessage(type: string): { heard: Promise<void>; close: () => void } {
  const probe = new BroadcastChannel('tenure');
  const heard = new Promise<void>((resolve) => {
    probe.onmessage = (event: MessageEvent<{ type: string }>) => {
      if (event.data.type === type) resolve();
    };
  });
  return { heard, close: () => probe.close() };
}

describe('across tabs', () => {
  it('logout in one tab signs the other out too, without the expired modal', async () => {
    const server = createFakeServer();
    const [a, b] = await twoSignedInTabs(server);

    await a.client.logout();

    await vi.waitFor(() => expect(b.client.getState()).toEqual({ status: 'signedOut', reason: 'signedOut' }));
    expect(b.of('signedOut')).toHaveLength(1);
    expect([...a.of('expired'), ...b.of('expired')]).toHaveLength(0);
    expect(server.count('POST', '/api/auth/logout')).toBe(1);
  });

  it('a session lost in one tab shows the modal in every tab, once each', async () => {
    const server = createFakeServer();
    const [a, b] = await twoSignedInTabs(server);
    server.endSession('session_revoked');

    await expect(a.client.api.get('/api/data')).rejects.toBeInstanceOf(SessionExpiredError);

    await vi.waitFor(() => expect(b.of('expired')).toEqual([{ type: 'expired', code: 'session_revoked' }]));
    expect(a.of('expired')).toEqual([{ type: 'expired', code: 'session_revoked' }]);
    expect(b.client.getState()).toEqual({ status: 'signedOut', reason: 'expired' });
  });

  it('with Web Locks, a tab waiting while another holds the lock reuses its refresh', async () => {
    const locks = createFakeLocks();
    installLocks(locks);
    const server = createFakeServer();
    const [a, b] = await twoSignedInTabs(server);
    server.expireAccessTokens();
    const release = server.holdRefresh();

    const first = a.client.api.get('/api/data');
    await vi.waitFor(() => expect(server.arrived).toContain('POST /api/auth/refresh'));
    const second = b.client.api.get('/api/data');
    // B asked for the lock without waiting, was refused, and is now queued behind A.
    await vi.waitFor(() => expect(locks.requests).toBe(3));
    release();

    const responses = await Promise.all([first, second]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(server.refreshes()).toBe(1);
    const retries = server.seen.filter((s) => s.path === '/api/data' && s.status === 200);
    expect(retries.map((s) => bearer(s.headers))).toEqual(['at-2', 'at-2']);
    expect([...a.of('expired'), ...b.of('expired')]).toHaveLength(0);
  });

  it('without Web Locks, a tab that heard another announce a refresh waits for its result', async () => {
    const server = createFakeServer();
    const [a, b] = await twoSignedInTabs(server);
    server.expireAccessTokens();
    const release = server.holdRefresh();
    const announced = nextMessage('refreshing');

    const first = a.client.api.get('/api/data');
    await announced.heard;
    announced.close();
    const second = b.client.api.get('/api/data');
    await vi.waitFor(() => expect(server.count('GET', '/api/data')).toBe(2));
    release();

    const responses = await Promise.all([first, second]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(server.refreshes()).toBe(1);
  });

  it('a failed refresh in the tab holding the lock ends the session in the waiting tab too', async () => {
    installLocks(createFakeLocks());
    const server = createFakeServer();
    const [a, b] = await twoSignedInTabs(server);
    server.expireAccessTokens();
    server.endSession('session_expired');
    const release = server.holdRefresh();

    const first = a.client.api.get('/api/data');
    await vi.waitFor(() => expect(server.arrived).toContain('POST /api/auth/refresh'));
    const second = b.client.api.get('/api/data');
    await vi.waitFor(() => expect(server.count('GET', '/api/data')).toBe(2));
    release();

    const results = await Promise.allSettled([first, second]);
    expect(results.map((r) => r.status === 'rejected' && r.reason instanceof SessionExpiredError)).toEqual([
      true,
      true,
    ]);
    expect(server.refreshes()).toBe(1);
    expect(a.of('expired')).toHaveLength(1);
    expect(b.of('expired')).toHaveLength(1);
  });

  it('ignores malformed messages from other versions of the app', async () => {
    const server = createFakeServer();
    const [, b] = await twoSignedInTabs(server);
    const stranger = new BroadcastChannel('tenure');
    stranger.postMessage({ type: 'auth', snapshot: { token: 'not a token' } });
    stranger.postMessage({ type: 'expired' });
    stranger.postMessage({ type: 'expired', code: 'not_a_session_code' });
    stranger.postMessage('signedOut');
    const marker = nextMessage('signedOut');
    stranger.postMessage({ type: 'signedOut' });
    await marker.heard;
    marker.close();
    stranger.close();
    // Only the well-formed sign-out was acted on.
    await vi.waitFor(() => expect(b.client.getState()).toEqual({ status: 'signedOut', reason: 'signedOut' }));
    expect(b.of('expired')).toHaveLength(0);
  });
});
