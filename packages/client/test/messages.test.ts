import { afterEach, describe, expect, it, vi } from 'vitest';
import { messageFor, messages, rateLimitedMessage, SessionExpiredError, toastFor } from '../src/index.ts';
import { closeTabs, openTab } from './helpers/clients.ts';
import { createFakeServer } from './helpers/fake-server.ts';

afterEach(() => {
  closeTabs();
  vi.useRealTimers();
});

/** Sign in, make the next /sessions call fail with `reply`, and return what the client threw. */
async function failureOf(...replies: Parameters<ReturnType<typeof createFakeServer>['queue']>[2][]) {
  const server = createFakeServer();
  const { client } = openTab(server, { timeoutMs: 5_000 });
  await client.login({ email: 'ada@example.com', password: 'correct horse' });
  server.queue('GET', '/api/auth/sessions', ...replies);
  const error = await client.listSessions().then(
    () => expect.unreachable('the call should have failed'),
    (thrown: unknown) => thrown,
  );
  return { client, error };
}

describe('user-facing messages, word for word', () => {
  it('403 says the action is not permitted', async () => {
    const { client, error } = await failureOf({
      status: 403,
      data: { error: { code: 'forbidden', message: 'x' } },
    });
    expect(client.messageFor(error)).toBe('You do not have permission to perform this action.');
    expect(toastFor(error)).toBe('You do not have permission to perform this action.');
  });

  it('429 without Retry-After asks to try again later', async () => {
    const { client, error } = await failureOf({
      status: 429,
      data: { error: { code: 'rate_limited', message: 'x' } },
    });
    expect(client.messageFor(error)).toBe('Too many requests. Please try again later.');
  });

  it('429 with Retry-After in seconds names the wait', async () => {
    const { client, error } = await failureOf({
      status: 429,
      data: { error: { code: 'rate_limited', message: 'x' } },
      headers: { 'Retry-After': '30' },
    });
    expect(client.messageFor(error)).toBe('Too many requests. Please try again in 30 seconds.');
  });

  it('429 with Retry-After as an HTTP date names the wait from now', async () => {
    vi.useFakeTimers({ now: Date.parse('2030-01-01T00:00:00Z') });
    const { client, error } = await failureOf({
      status: 429,
      data: { error: { code: 'rate_limited', message: 'x' } },
      headers: { 'Retry-After': 'Tue, 01 Jan 2030 00:02:00 GMT' },
    });
    expect(client.messageFor(error)).toBe('Too many requests. Please try again in 2 minutes.');
  });

  it('a request that gets no response is a network error', async () => {
    const { client, error } = await failureOf('network');
    expect(client.messageFor(error)).toBe('Network error. Please check your connection.');
    expect(toastFor(error)).toBe('Network error. Please check your connection.');
  });

  it('a request slower than timeoutMs is a timeout', async () => {
    vi.useFakeTimers();
    const server = createFakeServer();
    const { client } = openTab(server, { timeoutMs: 5_000 });
    await client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.queue('GET', '/api/data', 'timeout');
    const failed = client.api.get('/api/data').catch((thrown: unknown) => thrown);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await failed;
    expect(client.messageFor(error)).toBe('Request timeout. Please try again.');
    expect(toastFor(error)).toBe('Request timeout. Please try again.');
  });

  it('an ended session reads "Your session has expired. Please log in again." and never makes a toast', async () => {
    const server = createFakeServer();
    const { client } = openTab(server);
    await client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.endSession('session_revoked');
    const error = await client.api.get('/api/data').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(client.messageFor(error)).toBe('Your session has expired. Please log in again.');
    expect(toastFor(error)).toBeNull();
  });

  it('no 401 ever yields a toast, whatever its code', async () => {
    for (const code of ['invalid_token', 'token_expired', 'invalid_credentials', 'something_else']) {
      // Twice: the token codes refresh and retry once before giving up.
      const reply = { status: 401, data: { error: { code, message: 'x' } } };
      const { error } = await failureOf(reply, reply);
      expect(toastFor(error)).toBeNull();
    }
  });

  it('a wrong password reads "Invalid email or password." for the form to show inline', async () => {
    const server = createFakeServer();
    const { client } = openTab(server);
    const error = await client
      .login({ email: 'ada@example.com', password: 'wrong' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_credentials', status: 401 });
    expect(messageFor(error)).toBe(messages.invalidCredentials);
    expect(client.getState().status).not.toBe('signedIn');
  });

  it('an error without a code the server defines is named by its status, and worded by that code', async () => {
    const badGateway = await failureOf({ status: 502, data: '<html>Bad gateway</html>' });
    expect(badGateway.error).toMatchObject({ code: 'internal_error', status: 502 });
    expect(messageFor(badGateway.error)).toBe(messages.unexpected);

    const ownCode = await failureOf({ status: 409, data: { error: { code: 'out_of_stock', message: 'x' } } });
    expect(ownCode.error).toMatchObject({ code: 'invalid_request', status: 409 });
    expect(messageFor(ownCode.error)).toBe(messages.invalidRequest);
  });

  it('rounds waits up and uses the singular for one unit', () => {
    expect(rateLimitedMessage(1)).toBe('Too many requests. Please try again in 1 second.');
    expect(rateLimitedMessage(29.2)).toBe('Too many requests. Please try again in 30 seconds.');
    expect(rateLimitedMessage(59.5)).toBe('Too many requests. Please try again in 1 minute.');
    expect(rateLimitedMessage(60)).toBe('Too many requests. Please try again in 1 minute.');
    expect(rateLimitedMessage(61)).toBe('Too many requests. Please try again in 2 minutes.');
    expect(rateLimitedMessage(0)).toBe('Too many requests. Please try again later.');
  });
});
