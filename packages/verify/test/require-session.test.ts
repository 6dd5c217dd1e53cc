import type { AddressInfo } from 'node:net';
import express from 'express';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, requireSession, type VerifiedSession, type Verifier } from '../src/index.ts';
import { FEED_TOKEN, startTenureServer, type TenureServer } from './helpers/tenure-server.ts';

// requireSession in a real Express app, in front of a real Tenure server.
let server: TenureServer;
let verifier: Verifier;
let api: { url: string; close(): Promise<void> };

async function listen(verifierInUse: Verifier) {
  const app = express();
  app.get('/orders', requireSession(verifierInUse), (req, res) => {
    res.json({ auth: (req as express.Request & { auth?: VerifiedSession }).auth });
  });
  const http = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

beforeAll(async () => {
  server = await startTenureServer();
  verifier = createVerifier({
    issuer: server.issuer,
    audience: server.audience,
    jwksUrl: server.jwksUrl,
    revocations: { feedUrl: server.feedUrl, token: FEED_TOKEN, intervalMs: 300 },
  });
  api = await listen(verifier);
});
afterAll(async () => {
  await api?.close();
  await verifier?.close();
  await server?.close();
});

const get = (url: string, authorization?: string) =>
  fetch(`${url}/orders`, authorization === undefined ? {} : { headers: { authorization } });

async function expectRefusal(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
}

describe('requireSession', () => {
  it('lets a valid access token through and sets req.auth', async () => {
    const user = await server.signUp();
    const response = await get(api.url, `Bearer ${user.accessToken}`);
    expect(response.status).toBe(200);
    const { auth } = await response.json();
    const { exp, auth_time: authTime } = decodeJwt(user.accessToken);
    expect(auth).toEqual({
      userId: user.userId,
      sessionId: user.sessionId,
      expiresAt: new Date(exp! * 1000).toISOString(),
      ...(typeof authTime === 'number' && { authTime: new Date(authTime * 1000).toISOString() }),
    });
  });

  it('answers 401 invalid_token, in the envelope, without a header, with another scheme, or garbage', async () => {
    const missing = await get(api.url);
    await expectRefusal(missing, 401, 'invalid_token');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    await expectRefusal(await get(api.url, 'Basic dXNlcjpwYXNz'), 401, 'invalid_token');
    const garbage = await get(api.url, 'Bearer not.a.token');
    await expectRefusal(garbage, 401, 'invalid_token');
    expect(garbage.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('answers 401 session_revoked once the session is signed out', async () => {
    const laptop = await server.signUp();
    const phone = await server.signIn(laptop);
    expect((await get(api.url, `Bearer ${phone.accessToken}`)).status).toBe(200);
    await server.revoke(laptop, phone.sessionId);
    const deadline = Date.now() + 2000;
    let response = await get(api.url, `Bearer ${phone.accessToken}`);
    while (response.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      response = await get(api.url, `Bearer ${phone.accessToken}`);
    }
    await expectRefusal(response, 401, 'session_revoked');
  });

  it('answers 503 unavailable with Retry-After: 1 when revocations cannot be known', async () => {
    const blind = createVerifier({
      issuer: server.issuer,
      audience: server.audience,
      jwksUrl: server.jwksUrl,
      revocations: { feedUrl: `${server.url}/no-such-feed`, token: FEED_TOKEN, intervalMs: 100 },
      maxStalenessMs: 300,
      onError: () => {},
    });
    const blindApi = await listen(blind);
    try {
      const user = await server.signUp();
      const response = await get(blindApi.url, `Bearer ${user.accessToken}`);
      await expectRefusal(response, 503, 'unavailable');
      expect(response.headers.get('retry-after')).toBe('1');
    } finally {
      await blindApi.close();
      await blind.close();
    }
  });
});
