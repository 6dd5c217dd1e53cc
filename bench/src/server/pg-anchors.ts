import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { claimsOf } from './token-claims.ts';

export const PG_LIST_PATH = '/anchor/sessions';
export const PG_ME_PATH = '/anchor/me';

/** The columns `toPublicSession` reads, as the sessions list answers them. */
const LIST_SQL = `
  SELECT session_id, device_type, device_name, browser, os, ip_address, location, created_at, last_active, expires_at
  FROM user_sessions
  WHERE user_id = $1 AND is_revoked = false AND expires_at > $2 AND last_active > $3
  ORDER BY last_active DESC`;
const USER_SQL = 'SELECT user_id, email, name FROM users WHERE user_id = $1';
const SESSION_SQL = 'SELECT * FROM user_sessions WHERE session_id = $1';

interface SessionRow {
  session_id: string;
  device_type: string;
  device_name: string | null;
  browser: string | null;
  os: string | null;
  ip_address: string | null;
  location: string | null;
  created_at: Date;
  last_active: Date;
  expires_at: Date;
}

/**
 * The floors of `GET /api/auth/sessions` and `GET /api/auth/me`: the same indexed queries with
 * `pg` directly, in a bare Fastify route, the user and session taken from the bearer token.
 */
export function registerPgAnchors(app: FastifyInstance, pool: pg.Pool, inactivityTimeoutMs: number): void {
  app.get(PG_LIST_PATH, async (request, reply) => {
    const claims = claimsOf(request.headers.authorization);
    if (!claims) return reply.status(401).send({ error: 'no token' });
    const now = Date.now();
    const { rows } = await pool.query<SessionRow>(LIST_SQL, [
      claims.userId,
      new Date(now),
      new Date(now - inactivityTimeoutMs),
    ]);
    return {
      sessions: rows.map((row) => ({
        id: row.session_id,
        deviceType: row.device_type,
        deviceName: row.device_name,
        browser: row.browser,
        os: row.os,
        ipAddress: row.ip_address,
        location: row.location,
        createdAt: row.created_at.toISOString(),
        lastActive: row.last_active.toISOString(),
        expiresAt: row.expires_at.toISOString(),
        isCurrent: row.session_id === claims.sessionId,
      })),
    };
  });

  app.get(PG_ME_PATH, async (request, reply) => {
    const claims = claimsOf(request.headers.authorization);
    if (!claims) return reply.status(401).send({ error: 'no token' });
    const [users, sessions] = await Promise.all([
      pool.query<{ user_id: string; email: string | null; name: string | null }>(USER_SQL, [claims.userId]),
      pool.query<SessionRow>(SESSION_SQL, [claims.sessionId]),
    ]);
    const user = users.rows[0];
    const session = sessions.rows[0];
    if (!session) return reply.status(401).send({ error: 'no session' });
    return {
      user: user ? { id: user.user_id, email: user.email, name: user.name } : { id: claims.userId },
      session: {
        id: session.session_id,
        expiresAt: session.expires_at.toISOString(),
        createdAt: session.created_at.toISOString(),
        lastActive: session.last_active.toISOString(),
      },
    };
  });
}
