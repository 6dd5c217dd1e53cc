import { createServer } from 'node:net';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../src/index.ts';
import { outcome } from './helpers/outcomes.ts';
import { FEED_TOKEN, type SignedIn, startTenureServer, type TenureServer } from './helpers/tenure-server.ts';

// What makes a token valid, against the real server's keys (feed mode; Redis mode shares this path).
let server: TenureServer;
let verifier: Verifier;
let user: SignedIn;

const verifierFor = (overrides: { issuer?: string; audience?: string; jwksUrl?: string } = {}) =>
  createVerifier({
    issuer: server.issuer,
    audience: server.audience,
    jwksUrl: server.jwksUrl,
    revocations: { feedUrl: server.feedUrl, token: FEED_TOKEN, intervalMs: 500 },
    ...overrides,
  });

beforeAll(async () => {
  server = await startTenureServer();
  verifier = verifierFor();
  user = await server.signUp();
});
afterAll(async () => {
  await verifier?.close();
  await server?.close();
});

/** A token shaped like the server's, signed with a key the server never had. */
async function forged(kid: string, claims: Record<string, unknown> = {}): Promise<string> {
  const { privateKey } = await generateKeyPair('Ed25519');
  const real = decodeJwt(user.accessToken);
  return new SignJWT({ ...real, ...claims })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
    .sign(privateKey);
}

describe('verify', () => {
  it("resolves the server's access token to its user, session and expiry", async () => {
    const claims = decodeJwt(user.accessToken);
    const session = await verifier.verify(user.accessToken);
    expect(session).toEqual({
      userId: user.userId,
      sessionId: user.sessionId,
      expiresAt: new Date(claims.exp! * 1000),
      ...(typeof claims.auth_time === 'number' && { authTime: new Date(claims.auth_time * 1000) }),
    });
  });

  it('is invalid_token for anything that is not a JWT', async () => {
    for (const garbage of ['', 'abc', 'a.b.c', `${user.accessToken}x`, 'x'.repeat(10_000)]) {
      expect(await outcome(verifier, garbage), garbage.slice(0, 20)).toBe('invalid_token');
    }
  });

  it("is invalid_token for a token signed by another key, with the server's kid or one of its own", async () => {
    const serverKid = decodeProtectedHeader(user.accessToken).kid!;
    expect(await outcome(verifier, await forged(serverKid))).toBe('invalid_token');
    expect(await outcome(verifier, await forged('attacker-key'))).toBe('invalid_token');
  });

  it('is invalid_token without the EdDSA signature: alg none, or HS256 keyed with the public key', async () => {
    const payload = user.accessToken.split('.')[1];
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
    expect(await outcome(verifier, none)).toBe('invalid_token');
    const jwks = await (await fetch(server.jwksUrl)).json();
    const publicKey = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const hs256 = await new SignJWT(decodeJwt(user.accessToken))
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(publicKey);
    expect(await outcome(verifier, hs256)).toBe('invalid_token');
  });

  it('is invalid_token for another issuer or audience, and for a token without a session id', async () => {
    for (const other of [verifierFor({ issuer: 'someone-else' }), verifierFor({ audience: 'another-api' })]) {
      expect(await outcome(other, user.accessToken)).toBe('invalid_token');
      await other.close();
    }
    // Signed by a key the JWKS serves: a one-key JWKS of our own, on a server of our own.
    const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' };
    const jwksServer = await serveJson({ keys: [jwk] });
    const own = verifierFor({ jwksUrl: jwksServer.url });
    const real = decodeJwt(user.accessToken);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' }).sign(privateKey);
    expect(await outcome(own, await sign(real))).toBe('ok');
    expect(await outcome(own, await sign({ ...real, sid: undefined }))).toBe('invalid_token');
    expect(await outcome(own, await sign({ ...real, auth_time: 'yesterday' }))).toBe('invalid_token');
    const future = Math.floor(Date.now() / 1000) + 60;
    expect(await outcome(own, await sign({ ...real, iat: future }))).toBe('invalid_token');
    const withAuthTime = await own.verify(await sign({ ...real, auth_time: real.iat }));
    expect(withAuthTime.authTime).toEqual(new Date(real.iat! * 1000));
    await own.close();
    await jwksServer.close();
  });

  it('is unavailable (not invalid_token) when the signing keys cannot be fetched', async () => {
    const closedPort = await freePort();
    const blind = verifierFor({ jwksUrl: `http://127.0.0.1:${closedPort}/.well-known/jwks.json` });
    expect(await outcome(blind, user.accessToken)).toBe('unavailable');
    await blind.close();
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function serveJson(body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer: createHttpServer } = await import('node:http');
  const http = createHttpServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}
