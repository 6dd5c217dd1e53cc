import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { bearerSecurity, errorResponses } from '../http/schemas.ts';
import { toPublicSession } from './public-session.ts';
import type { RefreshCookie } from './refresh-cookie.ts';
import { EmptyBody, RevokeAllResponse, SessionParams, SessionsResponse } from './schemas.ts';
import type { SessionService } from './session-service.ts';
import { requestContext } from './sign-in-context.ts';

export interface SessionRoutesOptions {
  sessions: SessionService;
  cookie: RefreshCookie;
  /** REAUTH_MAX_AGE_MINUTES: signing out every other device needs a recent sign-in. */
  reauthMaxAgeMs: number;
}

/** The user's devices: list, sign one out, sign out all others. Every route needs a token. */
const sessionRoutes: FastifyPluginAsyncTypebox<SessionRoutesOptions> = async (app, options) => {
  const { sessions, cookie, reauthMaxAgeMs } = options;
  const tags = ['sessions'];
  const security = bearerSecurity;
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/sessions',
    { schema: { tags, security, response: { 200: SessionsResponse, ...errorResponses } } },
    async (request) => {
      const rows = await sessions.list(request.auth.userId, request.auth.sessionId);
      return { sessions: rows.map((row) => toPublicSession(row, request.auth.sessionId)) };
    },
  );

  app.delete(
    '/sessions/:sessionId',
    { schema: { tags, security, params: SessionParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      const { userId, sessionId: current } = request.auth;
      await sessions.revokeByUser(userId, request.params.sessionId, current, requestContext(request));
      // Revoking the current session signs this browser out.
      if (request.params.sessionId === current) cookie.clear(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/sessions/revoke-all',
    {
      schema: { tags, security, body: EmptyBody, response: { 200: RevokeAllResponse, ...errorResponses } },
      // A stolen access token alone must not lock the owner out of every other device.
      preHandler: app.requireRecentAuth(reauthMaxAgeMs / 1000),
    },
    async (request) => {
      const { userId, sessionId } = request.auth;
      return { revokedCount: await sessions.revokeAllOthers(userId, sessionId, requestContext(request)) };
    },
  );
};

export default fp(sessionRoutes, {
  name: 'tenure-session-routes',
  dependencies: ['tenure-authenticate'],
  encapsulate: true,
});
