import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TenureError } from '../errors.ts';
import type { Authenticated, SessionService } from '../sessions/session-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on protected routes. */
    auth: Authenticated;
  }
  interface FastifyInstance {
    /** preHandler that admits a request with a live access token of a session that is not revoked. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header.length > 4096) return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * `app.authenticate` for the routes of an adopting app (and ours): verifies the token from
 * memory (cached signature checks, in-memory denylist), no database round trip.
 */
async function authenticatePlugin(app: FastifyInstance, options: { sessions: SessionService }) {
  app.decorateRequest('auth', null as unknown as Authenticated);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const token = bearerToken(request);
    if (!token) throw new TenureError('invalid_token', 'A Bearer access token is required.');
    request.auth = await options.sessions.authenticate(token);
  });
}

export const authenticate = fp(authenticatePlugin, { name: 'tenure-authenticate' });
