import { afterEach, describe, expect, it } from 'vitest';
import { SessionExpiredError } from '../src/index.ts';
import { bearer, closeTabs, openTab } from './helpers/clients.ts';
import { createFakeServer } from './helpers/fake-server.ts';

afterEach(() => closeTabs());

describe('page load (restore)', () => {
  it('restores an existing session silently with the cookie and uses the new token', async () => {
    const server = createFakeServer();
    server.haveSession();
    const tab = openTab(server);
    expect(tab.client.getState()).toEqual({ status: 'loading' });

    const state = await tab.client.restore();

    expect(state).toMatchObject({
      status: 'signedIn',
      user: { email: 'ada@example.com' },
      session: { id: 's-1' },
    });
    await tab.client.api.get('/api/data');
    expect(bearer(server.seen.at(-1)!.headers)).toBe('at-1');
    expect(tab.of('expired')).toHaveLength(0);
  });

  it('with no session at all it settles signed out (reason none) without an expired event', async () => {
    const server = createFakeServer();
    const tab = openTab(server);

    expect(await tab.client.restore()).toEqual({ status: 'signedOut', reason: 'none' });
    expect(tab.events).toEqual([]);
  });

  it.each(['session_expired', 'session_revoked', 'refresh_token_reused'])(
    'when the old session ended (%s) it settles signed out with reason expired, and no modal event',
    async (code) => {
      const server = createFakeServer();
      server.endSession(code);
      const tab = openTab(server);

      expect(await tab.client.restore()).toEqual({ status: 'signedOut', reason: 'expired' });
      expect(tab.events).toEqual([]);
    },
  );

  it('requests made during page load wait for it and carry the restored token', async () => {
    const server = createFakeServer();
    server.haveSession();
    const tab = openTab(server);
    const restoring = tab.client.restore();
    const response = await tab.client.api.get('/api/data');
    await restoring;
    expect(response.status).toBe(200);
    expect(server.refreshes()).toBe(1);
  });
});

describe('talking to /api/auth', () => {
  it('sends X-Requested-With: tenure and credentials on every auth call, the token on authenticated ones', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    await tab.client.listSessions();
    await tab.client.listSecurityEvents();
    await tab.client.revokeAllOtherSessions();
    await tab.client.logout();

    const auth = server.seen.filter((s) => s.path.startsWith('/api/auth/'));
    expect(auth.length).toBe(5);
    for (const call of auth) {
      expect(call.headers.get('X-Requested-With')).toBe('tenure');
      expect(call.withCredentials).toBe(true);
    }
    for (const call of auth.slice(1)) expect(bearer(call.headers)).toBe('at-1');
  });

  it("does not add Tenure's CSRF header to the application's own API", async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    await tab.client.api.get('/api/data');
    const call = server.seen.at(-1)!;
    expect(call.headers.has('X-Requested-With')).toBe(false);
    expect(bearer(call.headers)).toBe('at-1');
  });

  it('returns the rows of sessions, security events and the revoke-all count', async () => {
    const server = createFakeServer();
    const { client } = openTab(server);
    await client.login({ email: 'ada@example.com', password: 'correct horse' });
    expect(await client.listSessions()).toEqual([{ id: 's-1', isCurrent: true }]);
    expect(await client.listSecurityEvents()).toEqual([{ id: 'e-1', type: 'login' }]);
    expect(await client.revokeAllOtherSessions()).toBe(2);
  });

  it('a sign-in answer without the timeouts is refused, not patched up with another request', async () => {
    const server = createFakeServer();
    const { client } = openTab(server);
    const body = { accessToken: 'at-x', accessTokenExpiresAt: new Date().toISOString() };
    server.queue('POST', '/api/auth/login', {
      status: 200,
      data: { ...body, user: { id: 'u-1' }, session: { id: 's-1' } },
    });
    await expect(client.login({ email: 'ada@example.com', password: 'correct horse' })).rejects.toMatchObject(
      {
        code: 'internal_error',
      },
    );
    expect(client.getState().status).not.toBe('signedIn');
    expect(server.seen.map((call) => call.path)).toEqual(['/api/auth/login']);
  });

  it('register signs in like login', async () => {
    const server = createFakeServer();
    const { client } = openTab(server);
    await client.register({ email: 'ada@example.com', password: 'correct horse', name: 'Ada' });
    expect(client.getState()).toMatchObject({
      status: 'signedIn',
      policy: { inactivityTimeoutSeconds: 900 },
    });
  });

  it('logout clears the token and emits signedOut (no expired); later calls are refused locally', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    await tab.client.logout();

    expect(tab.client.getState()).toEqual({ status: 'signedOut', reason: 'signedOut' });
    expect(tab.events).toEqual([{ type: 'signedOut' }]);
    await expect(tab.client.listSessions()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(bearer(server.seen.at(-1)!.headers)).toBe('');
    await expect(tab.client.extend()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(tab.of('expired')).toHaveLength(0);
  });

  it('revoking the current session signs this browser out; revoking another keeps it signed in', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    await tab.client.revokeSession('s-2');
    expect(tab.client.getState().status).toBe('signedIn');
    await tab.client.revokeSession('s-1');
    expect(tab.client.getState()).toEqual({ status: 'signedOut', reason: 'signedOut' });
  });

  it('the state object stays the same across refreshes that change only the token', async () => {
    const server = createFakeServer();
    const tab = openTab(server);
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    const before = tab.client.getState();
    let changes = 0;
    tab.client.subscribe(() => {
      changes += 1;
    });
    await tab.client.extend();
    expect(tab.client.getState()).toBe(before);
    expect(changes).toBe(0);
    expect(tab.of('refreshed')).toHaveLength(1);
  });
});
