import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { SecurityEventRow, SessionRow } from '../../src/db/schema.ts';
import { databaseOf, refreshCookieOf } from './build-test-app.ts';

/** Reads what the server wrote, straight from its own database (PGlite or PostgreSQL). */
export function sessionRow(app: FastifyInstance, sessionId: string): Promise<SessionRow> {
  return databaseOf(app)
    .db.selectFrom('user_sessions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
}

export function securityEventsOf(
  app: FastifyInstance,
  query: { sessionId?: string; userId?: string; type?: string },
): Promise<SecurityEventRow[]> {
  let select = databaseOf(app).db.selectFrom('security_events').selectAll();
  if (query.sessionId) select = select.where('session_id', '=', query.sessionId);
  if (query.userId) select = select.where('user_id', '=', query.userId);
  if (query.type) select = select.where('type', '=', query.type);
  return select.orderBy('created_at').execute();
}

export interface RowCounts {
  users: number;
  sessions: number;
  revokedSessions: number;
}

/** What "changes nothing" is checked against. */
export async function rowCounts(app: FastifyInstance): Promise<RowCounts> {
  const { rows } = await sql<RowCounts>`
    SELECT (SELECT count(*) FROM users)::int AS users,
           (SELECT count(*) FROM user_sessions)::int AS sessions,
           (SELECT count(*) FROM user_sessions WHERE is_revoked)::int AS "revokedSessions"`.execute(
    databaseOf(app).db,
  );
  return rows[0]!;
}

export interface AccessClaimsSeen {
  iss: string;
  aud: string | string[];
  sub: string;
  sid: string;
  iat: number;
  exp: number;
  jti: string;
}

export function claimsOf(accessToken: string): AccessClaimsSeen {
  return decodeJwt(accessToken) as unknown as AccessClaimsSeen;
}

export function headerOf(accessToken: string) {
  return decodeProtectedHeader(accessToken);
}

/** A successful refresh: its status, and the rotated refresh token from the cookie. */
export function rotatedFrom(response: LightMyRequestResponse): { refreshToken: string; accessToken: string } {
  expect(response.statusCode, response.body).toBe(200);
  const refreshToken = refreshCookieOf(response);
  expect(refreshToken, 'a rotated refresh cookie').toBeTruthy();
  return { refreshToken: refreshToken!, accessToken: response.json().accessToken };
}

/** Asserts the error envelope, exactly `{error:{code,message}}`, and returns the code. */
export function expectEnvelope(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
}

/** True when the response clears the refresh cookie (empty value, expiry in the past). */
export function clearsRefreshCookie(response: LightMyRequestResponse): boolean {
  const cookie = response.cookies.find((c) => c.name.endsWith('tenure_refresh'));
  if (!cookie) return false;
  const expired =
    (cookie.expires !== undefined && new Date(cookie.expires).getTime() <= Date.now()) || cookie.maxAge === 0;
  return cookie.value === '' && expired;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
