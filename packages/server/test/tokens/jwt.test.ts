import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  refresh,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { claimsOf, headerOf, rotatedFrom } from '../helpers/inspect.ts';

// "Access tokens": EdDSA JWTs with a `kid` published in the JWKS and the claims
// iss, aud, sub, sid, iat, exp, jti; refresh tokens are 256-bit opaque strings.
let t: TestApp;
let user: SignedIn;
let jwks: { keys: Array<Record<string, unknown>> };

beforeAll(async () => {
  t = await buildTestApp();
  user = await registerUser(t.app);
  jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
});
afterAll(async () => t?.close());

describe('access token shape', () => {
  it('the header says EdDSA, names its type and a kid that the JWKS publishes', () => {
    const header = headerOf(user.accessToken);
    expect(header.alg).toBe('EdDSA');
    expect(header.typ).toBe('at+jwt');
    expect(jwks.keys.map((key) => key.kid)).toContain(header.kid);
  });

  it('the JWKS holds only public Ed25519 keys', () => {
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('carries iss, aud, sub (the user), sid (the session), iat, exp and a unique jti', async () => {
    const claims = claimsOf(user.accessToken);
    expect(claims).toMatchObject({ iss: 'tenure', aud: 'tenure', sub: user.userId, sid: user.sessionId });
    expect(Number.isInteger(claims.iat)).toBe(true);
    expect(claims.exp).toBeGreaterThan(claims.iat);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);

    const next = rotatedFrom(await refresh(t.app, user.refreshToken));
    expect(claimsOf(next.accessToken).jti).not.toBe(claims.jti);
    expect(claimsOf(next.accessToken).sid).toBe(user.sessionId);
  });

  it('another service can verify it with nothing but the published JWKS', async () => {
    const { payload } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks as never), {
      issuer: 'tenure',
      audience: 'tenure',
      algorithms: ['EdDSA'],
    });
    expect(payload.sub).toBe(user.userId);
  });

  it('accessTokenExpiresAt in the body is the exp of the token', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: 'correct horse battery staple' },
    });
    const body = response.json();
    expect(Date.parse(body.accessTokenExpiresAt)).toBe(claimsOf(body.accessToken).exp * 1000);
  });
});

describe('refresh token shape', () => {
  it('is an opaque 256-bit base64url string, never a JWT', () => {
    expect(user.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(user.refreshToken, 'base64url')).toHaveLength(32);
  });
});
