import { createHmac, createPublicKey } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { databaseOf } from '../helpers/build-test-app.ts';

/** Hand-made JWTs for the attacks: what an attacker can produce without our private key. */
export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function unsignedToken(header: Record<string, unknown>, payload: JWTPayload): string {
  return `${b64url(header)}.${b64url(payload)}.`;
}

/** HS256 "signed" with `secret`: the classic algorithm confusion when the secret is the public key. */
export function hmacToken(
  header: Record<string, unknown>,
  payload: JWTPayload,
  secret: string | Buffer,
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The server's current public key, as an attacker would fetch it from the JWKS. */
export async function publishedKey(app: FastifyInstance): Promise<{ jwk: JWK; pem: string }> {
  const { keys } = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
    keys: JWK[];
  };
  const jwk = keys[0]!;
  const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return { jwk, pem: pem.toString() };
}

/**
 * A token signed with the server's own private key (read from its database), so that one
 * claim or header at a time can be made wrong while the signature stays valid.
 */
export async function serverSigningKey(
  app: FastifyInstance,
): Promise<{ kid: string; key: Awaited<ReturnType<typeof importJWK>> }> {
  const row = await databaseOf(app)
    .db.selectFrom('signing_keys')
    .selectAll()
    .where('retired_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { kid: row.kid, key: await importJWK({ ...(row.private_jwk as JWK), alg: 'EdDSA' }, 'EdDSA') };
}

export async function signedByServer(
  app: FastifyInstance,
  header: { typ?: string; kid?: string; [key: string]: unknown },
  payload: JWTPayload,
): Promise<string> {
  const { kid, key } = await serverSigningKey(app);
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid, ...header }).sign(key);
}
