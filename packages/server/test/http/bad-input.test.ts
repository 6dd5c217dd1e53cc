import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  CHROME_MAC,
  PASSWORD,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { expectEnvelope, rowCounts } from '../helpers/inspect.ts';
import { serverSigningKey } from '../security/forge.ts';

// "Bad input gets a clear 4xx with the error envelope and changes nothing".
let t: TestApp;
let user: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  user = await registerUser(t.app);
});
afterAll(async () => t?.close());

const json = { 'content-type': 'application/json', 'user-agent': CHROME_MAC };
const newEmail = () => `new-${randomUUID()}@example.com`;

/** An access token with our claims, signed by `key` (ours or another) with `kid`. */
async function tokenSignedBy(
  key: Parameters<SignJWT['sign']>[0],
  kid: string,
  times: { iat: number; exp: number } = { iat: 0, exp: 300 },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: user.sessionId })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
    .setIssuer(t.config.jwtIssuer)
    .setAudience(t.config.jwtAudience)
    .setSubject(user.userId)
    .setIssuedAt(now + times.iat)
    .setExpirationTime(now + times.exp)
    .setJti(randomUUID())
    .sign(key);
}

const foreignKeyToken = async () => {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return tokenSignedBy(privateKey, (await serverSigningKey(t.app)).kid);
};
const expiredToken = async () => {
  const { kid, key } = await serverSigningKey(t.app);
  return tokenSignedBy(key, kid, { iat: -900, exp: -600 });
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'user-agent': CHROME_MAC });

type Case = [
  name: string,
  request: () => InjectOptions | Promise<InjectOptions>,
  status: number,
  code: string,
];
const post = (url: string, payload: string, headers: Record<string, string> = json) => ({
  method: 'POST' as const,
  url,
  headers,
  payload,
});
const register = (body: unknown) => post('/api/auth/register', JSON.stringify(body));
const login = (body: unknown) => post('/api/auth/login', JSON.stringify(body));

const cases: Case[] = [
  ['malformed JSON', () => post('/api/auth/login', '{"email": "a@example.com",'), 400, 'invalid_request'],
  ['an empty JSON body', () => post('/api/auth/register', ''), 400, 'invalid_request'],
  ['a JSON array instead of an object', () => register([newEmail(), PASSWORD]), 400, 'invalid_request'],
  ['a number as email', () => register({ email: 123, password: PASSWORD }), 400, 'invalid_request'],
  ['an array as password', () => login({ email: user.email, password: [PASSWORD] }), 400, 'invalid_request'],
  ['null as email', () => login({ email: null, password: PASSWORD }), 400, 'invalid_request'],
  [
    'an unknown field',
    () => register({ email: newEmail(), password: PASSWORD, isAdmin: true }),
    400,
    'invalid_request',
  ],
  ['a missing password', () => register({ email: newEmail() }), 400, 'invalid_request'],
  ['an empty login', () => login({}), 400, 'invalid_request'],
  [
    'a 7-character password',
    () => register({ email: newEmail(), password: 'abc1234' }),
    400,
    'invalid_request',
  ],
  [
    'an email that is not one',
    () => register({ email: 'not-an-email', password: PASSWORD }),
    400,
    'invalid_request',
  ],
  [
    'a 300-character email',
    () => register({ email: `${'a'.repeat(290)}@example.com`, password: PASSWORD }),
    400,
    'invalid_request',
  ],
  [
    'a body over 16 KB',
    () => register({ email: newEmail(), password: PASSWORD, name: 'x'.repeat(17 * 1024) }),
    413,
    'payload_too_large',
  ],
  [
    'a text/plain body',
    () =>
      post('/api/auth/login', JSON.stringify({ email: user.email, password: PASSWORD }), {
        'content-type': 'text/plain',
      }),
    415,
    'unsupported_media_type',
  ],
  [
    'a form body',
    () =>
      post('/api/auth/register', `email=${encodeURIComponent(newEmail())}&password=${PASSWORD}`, {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    415,
    'unsupported_media_type',
  ],
  [
    'a duplicate email in other case',
    () => register({ email: user.email.toUpperCase(), password: PASSWORD }),
    409,
    'email_taken',
  ],
  ['an unknown email', () => login({ email: newEmail(), password: PASSWORD }), 401, 'invalid_credentials'],
  [
    'a wrong password',
    () => login({ email: user.email, password: `${PASSWORD}!` }),
    401,
    'invalid_credentials',
  ],
  [
    'a malformed session id',
    () => ({ method: 'DELETE', url: '/api/auth/sessions/not-a-uuid', headers: bearer(user.accessToken) }),
    400,
    'invalid_request',
  ],
  [
    'a 10 KB Authorization header',
    () => ({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${'a'.repeat(10 * 1024)}` },
    }),
    401,
    'invalid_token',
  ],
  [
    'Bearer with garbage',
    () => ({ method: 'GET', url: '/api/auth/me', headers: bearer('garbage') }),
    401,
    'invalid_token',
  ],
  [
    'Bearer with three garbage parts',
    () => ({ method: 'GET', url: '/api/auth/sessions', headers: bearer('a.b.c') }),
    401,
    'invalid_token',
  ],
  [
    'a Basic Authorization header',
    () => ({ method: 'GET', url: '/api/auth/me', headers: { authorization: 'Basic dXNlcjpwdw==' } }),
    401,
    'invalid_token',
  ],
  ['no Authorization header', () => ({ method: 'GET', url: '/api/auth/sessions' }), 401, 'invalid_token'],
  [
    'a JWT signed by another key',
    async () => ({ method: 'GET', url: '/api/auth/me', headers: bearer(await foreignKeyToken()) }),
    401,
    'invalid_token',
  ],
  [
    'an expired access token',
    async () => ({ method: 'GET', url: '/api/auth/me', headers: bearer(await expiredToken()) }),
    401,
    'token_expired',
  ],
  [
    'revoke-all with a foreign-key token',
    async () => ({
      method: 'POST',
      url: '/api/auth/sessions/revoke-all',
      headers: bearer(await foreignKeyToken()),
    }),
    401,
    'invalid_token',
  ],
  [
    'a garbage refresh cookie',
    () => ({ method: 'POST', url: '/api/auth/refresh', cookies: { tenure_refresh: 'x'.repeat(43) } }),
    401,
    'invalid_refresh_token',
  ],
  [
    'a refresh without any token',
    () => ({ method: 'POST', url: '/api/auth/refresh' }),
    401,
    'invalid_refresh_token',
  ],
  [
    'a refresh token of the wrong type',
    () => post('/api/auth/refresh', '{"refreshToken":42}'),
    400,
    'invalid_request',
  ],
  [
    'a 10 KB refresh token',
    () => post('/api/auth/refresh', JSON.stringify({ refreshToken: 'a'.repeat(10_240) })),
    400,
    'invalid_request',
  ],
  ['an unknown route', () => ({ method: 'GET', url: '/api/auth/nope' }), 404, 'not_found'],
];

describe('bad input', () => {
  it.each(cases)(
    '%s gets its 4xx with the error envelope and changes nothing',
    async (_name, request, status, code) => {
      const before = await rowCounts(t.app);
      const response = await t.app.inject(await request());
      expectEnvelope(response, status, code);
      expect(response.body).not.toMatch(/\bat .+:\d+:\d+/);
      expect(await rowCounts(t.app)).toEqual(before);
    },
  );

  it('an unknown email and a wrong password give the very same 401 body', async () => {
    const unknown = await t.app.inject(login({ email: newEmail(), password: PASSWORD }));
    const wrong = await t.app.inject(login({ email: user.email, password: 'wrong password!' }));
    expectEnvelope(unknown, 401, 'invalid_credentials');
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('after all of that the user is still signed in', async () => {
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(user.accessToken) });
    expect(me.statusCode, me.body).toBe(200);
  });
});
