import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import { TenureError, toEnvelope } from '../errors.ts';
import { assertRecentAuth } from '../sessions/recent-auth.ts';
import type { Authenticated, SessionService } from '../sessions/session-service.ts';
import { toTenureError } from './error-handler.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on protected routes. */
    auth: Authenticated;
  }
  interface FastifyInstance {
    /**
     * preHandler that admits a request with a live access token of a session that has not ended
     * and sets `request.auth`; any other request is answered 401/503 in Tenure's error envelope.
     */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
    /**
     * preHandler for sensitive routes, after `authenticate`: admits a token whose sign-in (or
     * re-authentication) is at most `maxAgeSeconds` old; otherwise 401 `reauth_required` in
     * Tenure's envelope, which the client answers by asking the user to confirm it's them.
     */
    requireRecentAuth: (
      maxAgeSeconds: number,
    ) => (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header.length > 4096) return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * `app.authenticate` for the routes of an adopting app and ours: verifies the token from memory
 * (cached signature checks, in-memory denylist), no database round trip. Its failures are sent
 * here, in Tenure's envelope that the client reads, so an adopter's own error handler is neither
 * replaced nor asked to know Tenure's codes.
 */
async function authenticatePlugin(app: FastifyInstance, options: { sessions: SessionService; clock: Clock }) {
  app.decorateRequest('auth', null as unknown as Authenticated);
  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const token = bearerToken(request);
      if (!token) throw new TenureError('invalid_token', 'A Bearer access token is required.');
      // A token seen before is admitted without a promise; a new one is verified (signature, claims).
      request.auth =
        options.sessions.authenticateCached(token) ?? (await options.sessions.authenticate(token));
      return undefined;
    } catch (error) {
      return sendFailure(request, reply, error);
    }
  });
  app.decorate('requireRecentAuth', (maxAgeSeconds: number) => {
    if (!(maxAgeSeconds >= 0)) throw new TypeError('requireRecentAuth: maxAgeSeconds must be a number ≥ 0');
    const maxAgeMs = maxAgeSeconds * 1000;
    return async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        // Mounted without `authenticate` before it: nobody is signed in, so nothing is recent.
        if (!request.auth) throw new TenureError('invalid_token', 'A Bearer access token is required.');
        assertRecentAuth(request.auth, options.clock.now(), maxAgeMs);
        return undefined;
      } catch (error) {
        return sendFailure(request, reply, error);
      }
    };
  });
}

function sendFailure(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const failure = toTenureError(error);
  if (failure.status >= 500) request.log.error({ err: error }, 'authentication unavailable');
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  return reply.status(failure.status).header('cache-control', 'no-store').send(toEnvelope(failure));
}

export const authenticate = fp(authenticatePlugin, { name: 'tenure-authenticate', fastify: '5.x' });
