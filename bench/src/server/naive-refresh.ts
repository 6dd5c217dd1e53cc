import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { importJWK, SignJWT } from 'jose';
import type pg from 'pg';
import type { SigningKey } from '../protocol.ts';
import {
  clientKey,
  describeDevice,
  type Geolocator,
  generateRefreshToken,
  hashRefreshToken,
  type Store,
} from './server-paths.ts';

export const NAIVE_REFRESH_PATH = '/anchor/refresh';

const IP_WINDOW_MS = 5 * 60_000;
const SESSION_WINDOW_MS = 60_000;

/**
 * The straightforward rotation `refresh` is compared with: the same product work (rate-limit
 * counters per IP and per session in the same store, user agent and location captured, the user
 * looked up), then one transaction — select the session `FOR UPDATE`, check the token, record
 * the used token, update the session, commit — and a token signed with jose.
 */
export async function registerNaiveRefresh(
  app: FastifyInstance,
  deps: { pool: pg.Pool; store: Store; geolocator: Geolocator; key: SigningKey },
): Promise<void> {
  const { pool, store, geolocator, key } = deps;
  const privateKey = await importJWK(key.privateJwk, 'EdDSA');

  app.post(NAIVE_REFRESH_PATH, async (request, reply) => {
    const token = (request.body as { refreshToken?: string } | undefined)?.refreshToken;
    if (!token) return reply.status(401).send({ error: 'no token' });
    const hash = hashRefreshToken(token);
    await store.hit(`rl:refresh-ip:${clientKey(request.ip)}`, IP_WINDOW_MS);
    const owner = await pool.query<{ session_id: string; user_id: string }>(
      'SELECT session_id, user_id FROM user_sessions WHERE refresh_token_hash = $1',
      [hash],
    );
    const found = owner.rows[0];
    if (!found) return reply.status(401).send({ error: 'unknown token' });
    await store.hit(`rl:refresh-session:${found.session_id}`, SESSION_WINDOW_MS);
    const device = describeDevice(request.headers);
    const location = await geolocator.locate(request.ip);
    const user = (await pool.query('SELECT * FROM users WHERE user_id = $1', [found.user_id])).rows[0];

    const successor = generateRefreshToken();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const locked = await client.query<{
        refresh_token_hash: string;
        is_revoked: boolean;
        expires_at: Date;
      }>('SELECT * FROM user_sessions WHERE session_id = $1 FOR UPDATE', [found.session_id]);
      const session = locked.rows[0];
      if (
        !session ||
        session.refresh_token_hash !== hash ||
        session.is_revoked ||
        session.expires_at <= new Date()
      ) {
        await client.query('ROLLBACK');
        return reply.status(401).send({ error: 'refused' });
      }
      await client.query(
        'INSERT INTO retired_refresh_tokens (token_hash, session_id, retired_at) VALUES ($1, $2, now())',
        [hash, found.session_id],
      );
      await client.query(
        `UPDATE user_sessions SET refresh_token_hash = $2, previous_token_hash = $3, generation = generation + 1,
           rotated_at = now(), last_active = now(), ip_address = $4, location = $5, user_agent = $6
         WHERE session_id = $1`,
        [
          found.session_id,
          hashRefreshToken(successor),
          hash,
          request.ip,
          location?.label ?? null,
          device.userAgent,
        ],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }

    const nowSeconds = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({ sid: found.session_id })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid })
      .setIssuer(key.issuer)
      .setAudience(key.audience)
      .setSubject(found.user_id)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + Math.floor(key.ttlMs / 1000))
      .setJti(randomUUID())
      .sign(privateKey);
    return {
      accessToken,
      refreshToken: successor,
      user: { id: found.user_id, email: user?.email ?? null, name: user?.name ?? null },
      session: { id: found.session_id },
    };
  });
}
