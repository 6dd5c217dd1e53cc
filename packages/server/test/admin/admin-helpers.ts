import type { FastifyInstance } from 'fastify';
import { authed } from '../helpers/build-test-app.ts';

/** A row of `GET /api/auth/security-events`. */
export interface SecurityEvent {
  type: string;
  sessionId: string | null;
  ipAddress: string | null;
  detail: Record<string, unknown>;
}

export const ADMIN_TOKEN = 'x'.repeat(40);

/** Building an app migrates a database and loads the geolocation data: slow on a busy machine. */
export const BUILD_TIMEOUT_MS = 180_000;

/** Every admin operation, for checks that must hold for all of them. */
export const ADMIN_ROUTES: ReadonlyArray<readonly ['GET' | 'POST' | 'DELETE', string]> = [
  ['GET', '/api/admin/users/github%7C4711/sessions'],
  ['DELETE', '/api/admin/sessions/00000000-0000-4000-8000-000000000000'],
  ['POST', '/api/admin/users/github%7C4711/sessions/revoke-all'],
  ['POST', '/api/admin/users/github%7C4711/disable'],
  ['POST', '/api/admin/users/github%7C4711/enable'],
];

export interface AdminCallOptions {
  /** The bearer token; `null` sends none. @default ADMIN_TOKEN */
  token?: string | null;
  /** X-Admin-Actor. */
  actor?: string;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/** An operator's request, as a script would send it (no cookies, no browser headers). */
export function admin(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: AdminCallOptions = {},
) {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  return app.inject({
    method,
    url,
    headers: {
      ...(token !== null && { authorization: `Bearer ${token}` }),
      ...(options.actor !== undefined && { 'x-admin-actor': options.actor }),
      ...options.headers,
    },
    ...(options.remoteAddress && { remoteAddress: options.remoteAddress }),
  });
}

/** `/api/admin/users/:userId/…` with the id URL-encoded, as a client must send it. */
export function userPath(userId: string, rest: string): string {
  return `/api/admin/users/${encodeURIComponent(userId)}/${rest}`;
}

/** The user's own view of their audit trail. */
export async function ownEvents(app: FastifyInstance, accessToken: string): Promise<SecurityEvent[]> {
  const response = await authed(app, accessToken, 'GET', '/api/auth/security-events');
  if (response.statusCode !== 200)
    throw new Error(`security-events: ${response.statusCode} ${response.body}`);
  return response.json().events;
}
