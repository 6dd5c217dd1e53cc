import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { rotateSigningKey } from '../../src/tokens/signing-keys.ts';
import {
  authed,
  buildTestApp,
  databaseOf,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { claimsOf, expectEnvelope, headerOf } from '../helpers/inspect.ts';
import { b64url, hmacToken, publishedKey, signedByServer, unsignedToken } from './forge.ts';

// every forged or out-of-policy access token is refused as invalid_token
// (or token_expired), never accepted. Each case presents the token to GET /me.
const clock = new ManualClock();
let t: TestApp;
let user: SignedIn;
let claims: JWTPayload;

const me = (token: string) => authed(t.app, token, 'GET', '/api/auth/me');
const nowSeconds = () => Math.floor(clock.now() / 1000);

beforeAll(async () => {
  t = await buildTestApp({ ACCESS_TOKEN_TTL_MINUTES: '5' }, { clock });
  user = await registerUser(t.app);
  claims = claimsOf(user.accessToken) as unknown as JWTPayload;
});
afterAll(async () => t?.close());

describe('alg none', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('an unsigned token with alg "%s" is refused', async (alg) => {
    const kid = headerOf(user.accessToken).kid;
    expectEnvelope(await me(unsignedToken({ alg, typ: 'at+jwt', kid }, claims)), 401, 'invalid_token');
    // Some libraries accept a signature part that is merely present.
    expectEnvelope(
      await me(`${unsignedToken({ alg, typ: 'at+jwt', kid }, claims)}AAAA`),
      401,
      'invalid_token',
    );
  });
});

describe('algorithm confusion: HS256 keyed with our public key', () => {
  it('the public key as PEM does not make a valid HMAC key', async () => {
    const { pem } = await publishedKey(t.app);
    const header = { alg: 'HS256', typ: 'at+jwt', kid: headerOf(user.accessToken).kid };
    expectEnvelope(await me(hmacToken(header, claims, pem)), 401, 'invalid_token');
  });

  it('nor the PEM with leading whitespace or without its trailing newline', async () => {
    const { pem } = await publishedKey(t.app);
    const header = { alg: 'HS256', typ: 'at+jwt', kid: headerOf(user.accessToken).kid };
    for (const variant of [`\n${pem}`, `  ${pem}`, pem.trimEnd()]) {
      expectEnvelope(await me(hmacToken(header, claims, variant)), 401, 'invalid_token');
    }
  });

  it('nor the public JWK (as JSON, or its raw x coordinate)', async () => {
    const { jwk } = await publishedKey(t.app);
    const header = { alg: 'HS256', typ: 'at+jwt', kid: jwk.kid };
    expectEnvelope(await me(hmacToken(header, claims, JSON.stringify(jwk))), 401, 'invalid_token');
    expectEnvelope(
      await me(hmacToken(header, claims, Buffer.from(jwk.x!, 'base64url'))),
      401,
      'invalid_token',
    );
  });
});

describe('kid is only a choice among our own keys', () => {
  it.each([
    ['path traversal', '../../../../etc/passwd'],
    ['SQL', "' OR '1'='1' --"],
    ['NUL byte', 'key\u0000id'],
    ['5 KB', 'k'.repeat(5 * 1024)],
  ])('a kid with %s is refused without reaching anything', async (_name, kid) => {
    const token = await signedByServer(t.app, { typ: 'at+jwt', kid }, claims);
    expectEnvelope(await me(token), 401, 'invalid_token');
  });

  it('a key embedded in the header (jwk, jku, x5u) is ignored: the attacker signs with their own key', async () => {
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    for (const extra of [
      { jwk: attackerJwk },
      { jku: 'https://attacker.example/jwks.json' },
      { x5u: 'https://attacker.example/cert.pem' },
    ]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: headerOf(user.accessToken).kid, ...extra })
        .sign(attacker.privateKey);
      expectEnvelope(await me(token), 401, 'invalid_token');
    }
  });
});

describe('claims out of policy, with a genuine signature', () => {
  it('the untouched control token is accepted', async () => {
    const token = await signedByServer(t.app, { typ: 'at+jwt' }, claims);
    expect((await me(token)).statusCode).toBe(200);
  });

  it('an expired token answers token_expired', async () => {
    const token = await signedByServer(t.app, { typ: 'at+jwt' }, { ...claims, exp: nowSeconds() - 60 });
    expectEnvelope(await me(token), 401, 'token_expired');
  });

  it('a token not valid before a future time (nbf) is refused', async () => {
    const token = await signedByServer(t.app, { typ: 'at+jwt' }, { ...claims, nbf: nowSeconds() + 3600 });
    expectEnvelope(await me(token), 401, 'invalid_token');
  });

  it('a token issued in the future (iat) is refused', async () => {
    const token = await signedByServer(t.app, { typ: 'at+jwt' }, { ...claims, iat: nowSeconds() + 3600 });
    expectEnvelope(await me(token), 401, 'invalid_token');
  });

  it('a token that lives longer than the access-token TTL is refused, however genuine its signature', async () => {
    const iat = nowSeconds();
    for (const lifetime of [5 * 60 + 2, 24 * 3600]) {
      const token = await signedByServer(t.app, { typ: 'at+jwt' }, { ...claims, iat, exp: iat + lifetime });
      expectEnvelope(await me(token), 401, 'invalid_token');
    }
    // The TTL itself, and the second a fractional TTL can round up to, are ours.
    const longest = await signedByServer(t.app, { typ: 'at+jwt' }, { ...claims, iat, exp: iat + 5 * 60 + 1 });
    expect((await me(longest)).statusCode).toBe(200);
  });

  it.each([
    ['audience', { aud: 'another-service' }],
    ['issuer', { iss: 'https://evil.example' }],
  ])('a wrong %s is refused', async (_name, wrong) => {
    const token = await signedByServer(t.app, { typ: 'at+jwt' }, { ...claims, ...wrong });
    expectEnvelope(await me(token), 401, 'invalid_token');
  });

  it('a wrong or missing typ is refused (an ID token is not an access token)', async () => {
    expectEnvelope(await me(await signedByServer(t.app, { typ: 'JWT' }, claims)), 401, 'invalid_token');
    expectEnvelope(await me(await signedByServer(t.app, {}, claims)), 401, 'invalid_token');
  });

  it.each(['exp', 'sid', 'sub', 'iat', 'jti'])('a token without %s is refused', async (claim) => {
    const { [claim]: _dropped, ...rest } = claims;
    expectEnvelope(await me(await signedByServer(t.app, { typ: 'at+jwt' }, rest)), 401, 'invalid_token');
  });

  it('a payload swapped under a genuine signature is refused', async () => {
    const [header, , signature] = user.accessToken.split('.');
    const tampered = `${header}.${b64url({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`;
    expectEnvelope(await me(tampered), 401, 'invalid_token');
  });
});

describe('signing-key rotation', () => {
  it('after rotation a new key signs, and tokens of the old key verify until they expire', async () => {
    const before = await registerUser(t.app);
    const oldKid = headerOf(before.accessToken).kid;
    await rotateSigningKey(databaseOf(t.app).db, new Date(clock.now()));
    // Instances pick the rotation up on their next key reload (every 5 minutes).
    clock.advance(4 * 60_000);
    expect((await me(before.accessToken)).statusCode).toBe(200);
    clock.advance(60_000 + 1000);
    // An unknown kid makes the ring reload now, and we can wait for that reload.
    const unknownKid = await signedByServer(t.app, { kid: 'not-a-key' }, { sub: before.userId });
    expect((await me(unknownKid)).statusCode).toBe(401);

    const after = await registerUser(t.app);
    const newKid = headerOf(after.accessToken).kid;
    expect(newKid).not.toBe(oldKid);
    expect((await me(after.accessToken)).statusCode).toBe(200);
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toEqual(
      expect.arrayContaining([oldKid, newKid]),
    );

    // The old key's token has now outlived its 5-minute lifetime (and the 5 s leeway).
    clock.advance(10_000);
    expectEnvelope(await me(before.accessToken), 401, 'token_expired');
  });
});
