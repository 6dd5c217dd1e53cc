import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TenureError } from '../errors.ts';
import { bearerMatcher } from '../revocations/feed-token.ts';
import { clientKey } from '../security/client-key.ts';
import type { Store } from '../store/store.ts';
import type { Operator } from './admin-service.ts';

/**
 * Admin requests per client and window, counted in the shared store (every instance enforces
 * one budget), authorised or not: enough for a script working through a list with pauses
 * (each 429 says how long to wait), and it keeps anyone without the token from hammering.
 */
const ADMIN_RATE_LIMIT = { max: 300, windowMs: 60_000 } as const;

const MAX_ACTOR_LENGTH = 200;

export interface AdminAccessOptions {
  /** ADMIN_API_TOKEN. */
  token: string;
  store: Store;
  /** RATE_LIMITS: off only for load tests. */
  rateLimits: boolean;
}

/**
 * In front of every admin route (and the context's 404): the per-client limit, then
 * `Authorization: Bearer <ADMIN_API_TOKEN>`, compared in constant time. Nothing here reads a
 * cookie or sets one, so there is nothing for another site to forge.
 */
export function addAdminAccess(app: FastifyInstance, options: AdminAccessOptions): void {
  const matches = bearerMatcher(options.token);
  const { max, windowMs } = ADMIN_RATE_LIMIT;
  if (options.rateLimits) {
    app.addHook('onRequest', async (request) => {
      const { count, resetInMs } = await options.store.hit(`rl:admin-ip:${clientKey(request.ip)}`, windowMs);
      if (count <= max) return;
      request.log.warn({ count }, 'admin API rate limit reached');
      throw new TenureError('rate_limited', 'Too many requests. Please try again later.', {
        retryAfterSeconds: Math.max(1, Math.ceil(resetInMs / 1000)),
      });
    });
  }
  app.addHook('onRequest', async (request, reply) => {
    if (matches(request.headers.authorization)) return;
    request.log.warn('admin API request without a valid token');
    reply.header('www-authenticate', 'Bearer realm="admin"');
    throw new TenureError('invalid_token', 'The admin API needs its bearer token.');
  });
}

/** Who is acting: the `X-Admin-Actor` note and the request's id, for the audit rows. */
export function operatorOf(request: FastifyRequest): Operator {
  return { note: adminActor(request), requestId: request.id };
}

/**
 * The operator's free-text `X-Admin-Actor` (a name or a ticket), recorded with what they did:
 * read as UTF-8 when it is, without control or invisible formatting characters (no bidi tricks in
 * an audit trail), at most 200 characters.
 */
export function adminActor(request: FastifyRequest): string | undefined {
  const raw = request.headers['x-admin-actor'];
  if (typeof raw !== 'string') return undefined;
  const clean = asUtf8(raw)
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim();
  // By code point, so the cut never splits a character in two.
  const text = Array.from(clean).slice(0, MAX_ACTOR_LENGTH).join('');
  return text === '' ? undefined : text;
}

/** Node reads header bytes as Latin-1; a client sending UTF-8 meant UTF-8. */
function asUtf8(latin1: string): string {
  // Not bytes read as Latin-1 (a header set in-process): already text.
  if (/[\u0100-\uffff]/.test(latin1)) return latin1;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return latin1;
  }
}
