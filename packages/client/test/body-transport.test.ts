// @vitest-environment node
import axios from 'axios';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTenureClient, SessionExpiredError } from '../src/index.ts';
import type { TenureClientOptions, TokenStorage } from '../src/types.ts';
import { type BodyServer, createBodyServer, memoryStorage } from './helpers/body-server.ts';
import { bearer, closeTabs, openTab } from './helpers/clients.ts';

// Node, as a CLI or a React Native app runs the client: no window, document or cookies.
const baseURL = 'https://auth.example.com';
const credentials = { email: 'ada@example.com', password: 'correct horse' };

afterEach(() => {
  closeTabs();
  vi.useRealTimers();
});

function app(server: BodyServer, stored = memoryStorage(), options: TenureClientOptions = {}) {
  const tab = openTab(server, { baseURL, transport: 'body', storage: stored.storage, ...options });
  return { ...tab, stored };
}

async function signedIn(server = createBodyServer()) {
  const client = app(server);
  await client.client.login(credentials);
  return { server, ...client };
}

describe('body transport: sign-in', () => {
  it('asks for the refresh token in the body and stores it; no cookie credentials, no browser headers', async () => {
    const { server, client, stored } = await signedIn();

    expect(stored.value()).toBe('rt-1');
    expect(client.getState()).toMatchObject({ status: 'signedIn', user: { email: 'ada@example.com' } });
    const login = server.seen.find((call) => call.path === '/api/auth/login')!;
    expect(login.headers.get('X-Token-Transport')).toBe('body');
    expect(login.headers.has('Origin')).toBe(false);
    expect(login.headers.has('Sec-Fetch-Site')).toBe(false);
    expect(login.withCredentials).toBe(false);
    expect(typeof window).toBe('undefined');
  });

  it('an Origin set as a global axios default is stripped, so the server still answers in the body', async () => {
    axios.defaults.headers.common.Origin = 'https://app.example.com';
    try {
      const { server, client, stored } = await signedIn();
      await client.extend();

      const calls = server.seen.filter((call) => call.path.startsWith('/api/auth/'));
      expect(calls.map((call) => call.path)).toEqual(['/api/auth/login', '/api/auth/refresh']);
      for (const call of calls) expect(call.headers.has('Origin')).toBe(false);
      expect(stored.value()).toBe('rt-2');
    } finally {
      delete axios.defaults.headers.common.Origin;
    }
  });

  it('register stores the refresh token like login', async () => {
    const client = app(createBodyServer());
    await client.client.register({ ...credentials, name: 'Ada' });
    expect(client.stored.value()).toBe('rt-1');
  });

  it('a sign-in answered without the refresh token in the body is refused: nothing stored, nobody signed in', async () => {
    const server = createBodyServer();
    server.answerInCookies();
    const { client, stored } = app(server);

    await expect(client.login(credentials)).rejects.toMatchObject({ code: 'internal_error' });
    expect(stored.calls).toEqual([]);
    expect(client.getState().status).not.toBe('signedIn');
  });

  it('a storage that cannot keep the token makes login reject with its error, signed out', async () => {
    const broken: TokenStorage = {
      get: async () => null,
      set: async () => Promise.reject(new Error('keychain locked')),
      delete: async () => {},
    };
    const { client } = openTab(createBodyServer(), { baseURL, transport: 'body', storage: broken });

    await expect(client.login(credentials)).rejects.toThrow('keychain locked');
    expect(client.getState().status).not.toBe('signedIn');
  });

  it('refuses to start without storage or with a relative baseURL', () => {
    expect(() => createTenureClient({ baseURL, transport: 'body' })).toThrow(/storage/);
    const { storage } = memoryStorage();
    expect(() => createTenureClient({ baseURL: '/auth', transport: 'body', storage })).toThrow(/baseURL/);
  });
});

describe('body transport: refresh', () => {
  it('ten requests that meet token_expired share one refresh that sends the stored token and stores its successor', async () => {
    const { server, client, stored, of } = await signedIn();
    server.expireAccessTokens();

    const results = await Promise.all(Array.from({ length: 10 }, () => client.api.get('/api/data')));

    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(server.bodies).toEqual([{ path: '/refresh', body: { refreshToken: 'rt-1' } }]);
    expect(stored.value()).toBe('rt-2');
    expect(of('refreshed')).toHaveLength(1);
    const data = server.seen.filter((s) => s.path === '/api/data');
    expect(data.map((s) => s.status).sort()).toEqual([...Array(10).fill(200), ...Array(10).fill(401)]);
    const refresh = server.seen.find((s) => s.path === '/api/auth/refresh')!;
    expect(refresh.headers.get('X-Token-Transport')).toBe('body');
    expect(refresh.withCredentials).toBe(false);
  });

  it('refreshes with the stored token shortly before the access token expires, so no request meets a 401', async () => {
    vi.useFakeTimers();
    const { server, client, stored } = await signedIn();

    await vi.advanceTimersByTimeAsync(275_000); // 25 s before the 300 s token expires
    await Promise.all([client.api.get('/api/data'), client.api.get('/api/data')]);

    expect(server.bodies).toEqual([{ path: '/refresh', body: { refreshToken: 'rt-1' } }]);
    expect(server.seen.filter((s) => s.path === '/api/data').map((s) => s.status)).toEqual([200, 200]);
    expect(stored.value()).toBe('rt-2');
  });

  it.each(['session_revoked', 'session_expired', 'refresh_token_reused'])(
    'a refresh refused with %s deletes the stored token, rejects every request and emits expired once',
    async (code) => {
      const { server, client, stored, of } = await signedIn();
      server.expireAccessTokens();
      server.endSession(code);
      const heard: (string | undefined)[] = [];
      client.sessionEvents.subscribe(() => heard.push(stored.value()));

      const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.api.get('/api/data')));

      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof SessionExpiredError)).toBe(
        true,
      );
      expect(of('expired')).toEqual([{ type: 'expired', code }]);
      expect(stored.value()).toBeUndefined();
      // Storage had forgotten the token by the time anyone heard the session was over.
      expect(heard).toEqual([undefined]);
      expect(stored.calls.filter((call) => call === 'delete')).toHaveLength(1);
    },
  );

  it('a successor that arrives after logout is not stored: the next start finds nobody', async () => {
    const { server, client, stored } = await signedIn();
    server.expireAccessTokens();
    const release = server.holdRefreshAnswers();
    const request = client.api.get('/api/data');
    await vi.waitFor(() => expect(server.bodies).toHaveLength(1));

    await client.logout();
    release();

    await expect(request).rejects.toBeInstanceOf(SessionExpiredError);
    expect(stored.value()).toBeUndefined();
    expect(client.getState()).toEqual({ status: 'signedOut', reason: 'signedOut' });
  });
});

describe('body transport: restore and logout', () => {
  it('restores the session at start from the stored token, and stores the rotated one', async () => {
    const server = createBodyServer();
    const token = server.storedSession();
    const { client, stored, events } = app(server, memoryStorage(token));

    expect(await client.restore()).toMatchObject({ status: 'signedIn', session: { id: 's-1' } });

    expect(server.bodies).toEqual([{ path: '/refresh', body: { refreshToken: token } }]);
    expect(stored.value()).toBe(server.currentToken());
    await client.api.get('/api/data');
    expect(bearer(server.seen.at(-1)!.headers)).toBe('at-1');
    expect(events.filter((e) => e.type === 'expired')).toEqual([]);
  });

  it('with nothing stored it settles signed out (none) without asking the server or emitting', async () => {
    const server = createBodyServer();
    const { client, events } = app(server);

    expect(await client.restore()).toEqual({ status: 'signedOut', reason: 'none' });
    expect(server.seen).toEqual([]);
    expect(events).toEqual([]);
  });

  it('a stored token of an ended session settles signed out (expired), is deleted, and emits nothing', async () => {
    const server = createBodyServer();
    const token = server.storedSession();
    server.endSession('session_revoked');
    const { client, stored, events } = app(server, memoryStorage(token));

    expect(await client.restore()).toEqual({ status: 'signedOut', reason: 'expired' });
    expect(stored.value()).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('logout sends the stored refresh token and the access token, then deletes the token', async () => {
    const { server, client, stored, events } = await signedIn();

    await client.logout();

    expect(server.bodies).toEqual([{ path: '/logout', body: { refreshToken: 'rt-1' } }]);
    expect(bearer(server.seen.at(-1)!.headers)).toBe('at-1');
    expect(stored.value()).toBeUndefined();
    expect(events).toEqual([{ type: 'signedOut' }]);
  });

  it('an unconfirmed logout (offline) keeps the stored token and the user signed in', async () => {
    const { server, client, stored } = await signedIn();
    server.queue('POST', '/api/auth/logout', 'network');

    await expect(client.logout()).rejects.toMatchObject({ code: 'network_error' });
    expect(stored.value()).toBe('rt-1');
    expect(client.getState().status).toBe('signedIn');
  });

  it('revoking its own session signs the app out and deletes the stored token', async () => {
    const { client, stored } = await signedIn();
    expect(stored.value()).toBe('rt-1');
    await client.revokeSession('s-1');
    expect(stored.value()).toBeUndefined();
    expect(client.getState()).toEqual({ status: 'signedOut', reason: 'signedOut' });
  });
});
