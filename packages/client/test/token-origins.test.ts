import { isAxiosError } from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import type { TenureClientOptions } from '../src/index.ts';
import { bearer, closeTabs, openTab } from './helpers/clients.ts';
import { createFakeServer } from './helpers/fake-server.ts';

// The test page is http://localhost:3000; the fake server answers every origin, and `seen`
// records where each request went.

afterEach(() => closeTabs());

async function signedIn(options: TenureClientOptions = {}) {
  const server = createFakeServer();
  const tab = openTab(server, options);
  await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
  return { server, tab };
}

/** Makes `url` through `api` and returns the request as the server saw it (and what the call threw). */
async function send(signed: Awaited<ReturnType<typeof signedIn>>, url: string) {
  const outcome = await signed.tab.client.api.get(url).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { outcome, call: signed.server.seen.at(-1)! };
}

describe('where api sends the access token', () => {
  it('a third-party URL goes out without Authorization, and its 401 is passed on without a refresh', async () => {
    const signed = await signedIn();
    signed.server.queue('GET', '/v1/tiles', signed.server.error(401, 'token_expired'));

    const { outcome, call } = await send(signed, 'https://maps.example.com/v1/tiles');

    expect(call.origin).toBe('https://maps.example.com');
    expect(call.headers.has('Authorization')).toBe(false);
    expect(isAxiosError(outcome) && outcome.response?.status).toBe(401);
    expect(signed.server.refreshes()).toBe(0);
    expect(signed.tab.client.getState().status).toBe('signedIn');
    expect(signed.tab.events).toEqual([]);
  });

  it('a protocol-relative URL is another origin too', async () => {
    const signed = await signedIn();
    const { call } = await send(signed, '//evil.example/api/data');
    expect(call.origin).toBe('http://evil.example');
    expect(call.headers.has('Authorization')).toBe(false);
    expect(call.headers.has('X-Requested-With')).toBe(false);
  });

  it('with a relative baseURL, the page’s own origin gets the token, relative or absolute', async () => {
    const signed = await signedIn({ baseURL: '/' });
    expect(bearer((await send(signed, '/api/data')).call.headers)).toBe('at-1');
    expect(bearer((await send(signed, 'http://localhost:3000/api/data')).call.headers)).toBe('at-1');
    expect((await send(signed, 'http://localhost:4000/api/data')).call.headers.has('Authorization')).toBe(
      false,
    );
  });

  it('with an absolute baseURL, its origin gets the token and the page’s does not', async () => {
    const signed = await signedIn({ baseURL: 'https://tenure.example.com' });
    const own = await send(signed, '/api/data');
    expect(own.call.origin).toBe('https://tenure.example.com');
    expect(bearer(own.call.headers)).toBe('at-1');
    expect((await send(signed, 'http://localhost:3000/api/data')).call.headers.has('Authorization')).toBe(
      false,
    );
  });

  it('an origin in tokenOrigins gets the token, and its token_expired refreshes and retries once', async () => {
    const signed = await signedIn({ tokenOrigins: ['https://files.example.com'] });
    signed.server.queue('GET', '/api/data', signed.server.error(401, 'token_expired'));

    const { outcome, call } = await send(signed, 'https://files.example.com/api/data');

    expect(outcome).toBeUndefined();
    expect(signed.server.refreshes()).toBe(1);
    expect(call.origin).toBe('https://files.example.com');
    expect(bearer(call.headers)).toBe('at-2');
  });

  it('refuses a tokenOrigins entry that is not an http(s) origin', () => {
    expect(() => openTab(createFakeServer(), { tokenOrigins: ['files.example.com'] })).toThrow(TypeError);
  });
});
