import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionExpiredError } from '../src/index.ts';
import { bearer, closeTabs, openTab } from './helpers/clients.ts';
import { createFakeServer } from './helpers/fake-server.ts';

afterEach(() => {
  closeTabs();
  vi.useRealTimers();
});

describe('refresh on 401', () => {
  it('ten concurrent requests that all get 401 token_expired cause exactly one refresh and all succeed on retry', async () => {
    const server = createFakeServer();
    const { client } = openTab(server);
    await client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.expireAccessTokens();

    const results = await Promise.all(Array.from({ length: 10 }, () => client.api.get('/api/data')));

    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(server.refreshes()).toBe(1);
    const data = server.seen.filter((s) => s.path === '/api/data');
    expect(data.filter((s) => s.status === 401)).toHaveLength(10);
    // Each request was retried exactly once, with the token from that one refresh.
    const retried = data.filter((s) => s.status === 200);
    expect(retried).toHaveLength(10);
    expect(new Set(retried.map((s) => bearer(s.headers)))).toEqual(new Set(['at-2']));
  });

  it('a failed refresh rejects every queued request with SessionExpiredError and emits expired once', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.expireAccessTokens();
    server.endSession('session_expired');

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => tab.client.api.get('/api/data')),
    );

    for (const result of results) {
      expect(result.status).toBe('rejected');
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(SessionExpiredError);
    }
    expect(server.refreshes()).toBe(1);
    expect(tab.of('expired')).toEqual([{ type: 'expired', code: 'session_expired' }]);
    expect(tab.client.getState()).toEqual({ status: 'signedOut', reason: 'expired' });
  });

  it('a 401 on the retried request does not loop: one refresh, one retry, then the session-expired flow', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.replyToEverything(server.error(401, 'invalid_token'));

    await expect(tab.client.api.get('/api/data')).rejects.toBeInstanceOf(SessionExpiredError);

    expect(server.refreshes()).toBe(1);
    expect(server.count('GET', '/api/data')).toBe(2);
    expect(tab.of('expired')).toHaveLength(1);
  });

  it('a revoked session is not refreshed: the request fails with SessionExpiredError and expired fires once', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.endSession('session_revoked');

    const results = await Promise.allSettled([tab.client.api.get('/api/data'), tab.client.listSessions()]);

    expect(results.map((r) => r.status === 'rejected' && r.reason instanceof SessionExpiredError)).toEqual([
      true,
      true,
    ]);
    expect(server.refreshes()).toBe(0);
    expect(tab.of('expired')).toEqual([{ type: 'expired', code: 'session_revoked' }]);
  });

  it('a 401 with a code of its own (not token_expired/invalid_token) is passed to the app untouched', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.queue('GET', '/api/data', server.error(401, 'invalid_credentials'));

    await expect(tab.client.api.get('/api/data')).rejects.toMatchObject({ response: { status: 401 } });
    expect(server.refreshes()).toBe(0);
    expect(tab.client.getState().status).toBe('signedIn');
  });

  it('a refresh that cannot reach the server keeps the user signed in and reports a network error', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.expireAccessTokens();
    server.queue('POST', '/api/auth/refresh', 'network');

    await expect(tab.client.api.get('/api/data')).rejects.toMatchObject({ code: 'network_error' });
    expect(tab.client.getState().status).toBe('signedIn');
    expect(tab.of('expired')).toHaveLength(0);
    // The next attempt refreshes again and succeeds.
    await expect(tab.client.api.get('/api/data')).resolves.toMatchObject({ status: 200 });
  });
});

describe('proactive refresh', () => {
  it('refreshes shortly before the access token expires, so the request never meets a 401', async () => {
    vi.useFakeTimers();
    const server = createFakeServer();
    const tab = openTab(server, { refreshLeewaySeconds: 30 });
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });

    await vi.advanceTimersByTimeAsync(260_000);
    await tab.client.api.get('/api/data');
    expect(server.refreshes()).toBe(0);

    await vi.advanceTimersByTimeAsync(15_000); // 25 s before the 300 s token expires
    await tab.client.api.get('/api/data');

    expect(server.refreshes()).toBe(1);
    const calls = server.seen.filter((s) => s.path === '/api/data');
    expect(calls.map((s) => s.status)).toEqual([200, 200]);
    expect(bearer(calls[1]!.headers)).toBe('at-2');
    expect(tab.of('refreshed')).toHaveLength(1);
  });

  it('when the proactive refresh finds the session over, the request is not sent and expired fires once', async () => {
    vi.useFakeTimers();
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.endSession('session_expired');
    await vi.advanceTimersByTimeAsync(290_000);

    const results = await Promise.allSettled([
      tab.client.api.get('/api/data'),
      tab.client.api.get('/api/data'),
    ]);

    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof SessionExpiredError)).toBe(
      true,
    );
    expect(server.count('GET', '/api/data')).toBe(0);
    expect(server.refreshes()).toBe(1);
    expect(tab.of('expired')).toEqual([{ type: 'expired', code: 'session_expired' }]);
  });

  it('learns the token lifetime from the server instead of assuming five minutes', async () => {
    vi.useFakeTimers();
    const server = createFakeServer({
      inactivityTimeoutSeconds: 20,
      activityCheckIntervalSeconds: 5,
      accessTokenTtlSeconds: 8,
      sessionExpiresInSeconds: 3600,
    });
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });

    await vi.advanceTimersByTimeAsync(7_000);
    await tab.client.api.get('/api/data');

    expect(server.refreshes()).toBe(1);
    expect(server.seen.filter((s) => s.path === '/api/data').map((s) => s.status)).toEqual([200]);
  });
});
