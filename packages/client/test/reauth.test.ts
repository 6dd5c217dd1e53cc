import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReauthRequiredError, toastFor } from '../src/index.ts';
import { bearer, closeTabs, openTab } from './helpers/clients.ts';
import { createFakeServer } from './helpers/fake-server.ts';

// Step-up: a 401 `reauth_required` keeps the session; the request waits for the person to
// confirm it's them and is retried once, or rejects with `reauth_required` if they cancel.
afterEach(() => closeTabs());

async function signedInTab() {
  const server = createFakeServer();
  const tab = openTab(server);
  await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
  return { server, tab };
}

const REVOKE_ALL = '/api/auth/sessions/revoke-all';

describe('step-up re-authentication', () => {
  it('reauth_required neither refreshes nor expires: it emits reauthRequired and holds the request until reauthenticate(password) succeeds, then retries it once with the new token', async () => {
    const { server, tab } = await signedInTab();
    server.queue('POST', REVOKE_ALL, server.error(401, 'reauth_required'));

    const revoking = tab.client.revokeAllOtherSessions();
    await vi.waitFor(() => expect(tab.of('reauthRequired')).toHaveLength(1));
    expect(server.refreshes()).toBe(0);
    expect(tab.of('expired')).toHaveLength(0);
    expect(tab.client.getState().status).toBe('signedIn');

    // A wrong password is the caller's to show; the request stays held.
    await expect(tab.client.reauthenticate('wrong')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(server.count('POST', REVOKE_ALL)).toBe(1);

    await tab.client.reauthenticate('correct horse');
    await expect(revoking).resolves.toBe(2);
    const calls = server.seen.filter((s) => s.path === REVOKE_ALL);
    expect(calls.map((call) => call.status)).toEqual([401, 200]);
    expect(bearer(calls[1]!.headers)).toBe('at-2');
    expect(server.refreshes()).toBe(0);
    expect(tab.of('expired')).toHaveLength(0);
  });

  it('cancelReauth() rejects the held request with code reauth_required, shows no toast, and keeps the session', async () => {
    const { server, tab } = await signedInTab();
    server.queue('POST', REVOKE_ALL, server.error(401, 'reauth_required'));

    const revoking = tab.client.revokeAllOtherSessions();
    await vi.waitFor(() => expect(tab.of('reauthRequired')).toHaveLength(1));
    tab.client.cancelReauth();

    const error = await revoking.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReauthRequiredError);
    expect(error).toMatchObject({ code: 'reauth_required', status: 401 });
    expect(toastFor(error)).toBeNull();
    expect(tab.client.getState().status).toBe('signedIn');
    expect(server.count('POST', REVOKE_ALL)).toBe(1);
  });

  it('requests refused together wait in one round: one event, all retried after one confirmation', async () => {
    const { server, tab } = await signedInTab();
    server.queue(
      'GET',
      '/api/data',
      server.error(401, 'reauth_required'),
      server.error(401, 'reauth_required'),
    );

    const both = Promise.all([tab.client.api.get('/api/data'), tab.client.api.get('/api/data')]);
    await vi.waitFor(() => expect(server.count('GET', '/api/data')).toBe(2));
    await tab.client.reauthenticate('correct horse');

    const responses = await both;
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(tab.of('reauthRequired')).toHaveLength(1);
  });

  it('a confirmed retry refused again rejects with reauth_required, without asking a second time', async () => {
    const { server, tab } = await signedInTab();
    server.queue(
      'GET',
      '/api/data',
      server.error(401, 'reauth_required'),
      server.error(401, 'reauth_required'),
    );

    const request = tab.client.api.get('/api/data');
    await vi.waitFor(() => expect(tab.of('reauthRequired')).toHaveLength(1));
    await tab.client.reauthenticate('correct horse');

    await expect(request).rejects.toMatchObject({ code: 'reauth_required' });
    expect(tab.of('reauthRequired')).toHaveLength(1);
    expect(server.count('GET', '/api/data')).toBe(2);
  });

  it('confirmReauth() after the app’s own check retries with the token from its sign-in body, or from a refresh without one', async () => {
    const { server, tab } = await signedInTab();
    server.queue('GET', '/api/data', server.error(401, 'reauth_required'));
    const first = tab.client.api.get('/api/data');
    await vi.waitFor(() => expect(tab.of('reauthRequired')).toHaveLength(1));
    // What the app's endpoint answered after `reply.confirmAuth()`.
    const body = {
      accessToken: 'confirmed-token',
      accessTokenExpiresAt: new Date(Date.now() + 300_000).toISOString(),
      user: { id: 'u-1' },
      session: { id: 's-1', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      policy: {
        inactivityTimeoutSeconds: 900,
        activityCheckIntervalSeconds: 300,
        accessTokenTtlSeconds: 300,
        sessionExpiresInSeconds: 86_400,
      },
    };
    server.queue('GET', '/api/data', { status: 200, data: { ok: true } });
    await tab.client.confirmReauth(body);
    await expect(first).resolves.toMatchObject({ status: 200 });
    expect(bearer(server.seen.at(-1)!.headers)).toBe('confirmed-token');

    server.queue('GET', '/api/data', server.error(401, 'reauth_required'));
    const second = tab.client.api.get('/api/data');
    await vi.waitFor(() => expect(tab.of('reauthRequired')).toHaveLength(2));
    await tab.client.confirmReauth();
    await expect(second).resolves.toMatchObject({ status: 200 });
    expect(server.refreshes()).toBe(1);
  });

  it('held requests give up with reauth_required when the user signs out meanwhile', async () => {
    const { server, tab } = await signedInTab();
    server.queue('POST', REVOKE_ALL, server.error(401, 'reauth_required'));
    const revoking = tab.client.revokeAllOtherSessions();
    await vi.waitFor(() => expect(tab.of('reauthRequired')).toHaveLength(1));
    await tab.client.logout();
    await expect(revoking).rejects.toMatchObject({ code: 'reauth_required' });
  });
});
