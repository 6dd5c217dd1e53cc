import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError, SessionExpiredError } from '../src/index.ts';
import { closeTabs, openTab } from './helpers/clients.ts';
import { createFakeServer } from './helpers/fake-server.ts';

afterEach(() => closeTabs());

async function signedIn() {
  const server = createFakeServer();
  const tab = openTab(server);
  await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
  return { server, tab };
}

describe('logout', () => {
  it('offline: rejects with a network error and leaves the user signed in, token and all', async () => {
    const { server, tab } = await signedIn();
    server.queue('POST', '/api/auth/logout', 'network');

    await expect(tab.client.logout()).rejects.toBeInstanceOf(NetworkError);

    expect(tab.client.getState().status).toBe('signedIn');
    expect(tab.events).toEqual([]);
    await expect(tab.client.listSessions()).resolves.toHaveLength(1);
  });

  it('a 5xx rejects with the server’s code, and trying again signs out', async () => {
    const { server, tab } = await signedIn();
    server.queue('POST', '/api/auth/logout', server.error(503, 'unavailable'));

    await expect(tab.client.logout()).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    expect(tab.client.getState().status).toBe('signedIn');

    await tab.client.logout();
    expect(tab.client.getState()).toEqual({ status: 'signedOut', reason: 'signedOut' });
    expect(tab.events).toEqual([{ type: 'signedOut' }]);
  });

  it('a failed logout does not sign the other tabs out', async () => {
    const server = createFakeServer();
    const [tab, other] = [openTab(server), openTab(server)];
    await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
    await vi.waitFor(() => expect(other.client.getState().status).toBe('signedIn'));
    server.queue('POST', '/api/auth/logout', server.error(500, 'internal_error'));

    await expect(tab.client.logout()).rejects.toBeInstanceOf(ApiError);
    // The channel keeps a tab's order: once this later news arrives, a sign-out would have too.
    await tab.client.extend();
    await vi.waitFor(() => expect(other.of('refreshed')).toHaveLength(2));
    expect(other.client.getState().status).toBe('signedIn');
    expect(other.of('signedOut')).toHaveLength(0);
  });

  it('a session the server says had already ended counts as signed out', async () => {
    const { server, tab } = await signedIn();
    server.queue('POST', '/api/auth/logout', server.error(401, 'session_expired'));

    await tab.client.logout();

    expect(tab.client.getState()).toEqual({ status: 'signedOut', reason: 'signedOut' });
    expect(tab.of('expired')).toHaveLength(0);
    await expect(tab.client.extend()).rejects.toBeInstanceOf(SessionExpiredError);
  });
});
