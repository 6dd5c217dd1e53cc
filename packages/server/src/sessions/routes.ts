import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { bearerSecurity, errorResponses } from '../http/schemas.ts';
import type { Services } from '../http/services.ts';
import { toPublicSession } from './public-session.ts';
import { EmptyBody, RevokeAllResponse, SessionParams, SessionsResponse } from './schemas.ts';
import { requestContext } from './sign-in-context.ts';

/** The user's devices: list, sign one out, sign out all others. Every route needs a token. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { sessions, refreshCookie } = services;
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
      if (request.params.sessionId === current) refreshCookie.clear(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/sessions/revoke-all',
    { schema: { tags, security, body: EmptyBody, response: { 200: RevokeAllResponse, ...errorResponses } } },
    async (request) => {
      const { userId, sessionId } = request.auth;
      return { revokedCount: await sessions.revokeAllOthers(userId, sessionId, requestContext(request)) };
    },
  );
};
