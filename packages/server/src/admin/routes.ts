import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { bearerSecurity, errorResponses } from '../http/schemas.ts';
import { EmptyBody, RevokeAllResponse, SessionParams } from '../sessions/schemas.ts';
import { operatorOf } from './admin-access.ts';
import type { AdminService } from './admin-service.ts';
import { AdminSessionsResponse, UserParams } from './schemas.ts';

/** The operator's view of any user: list, sign out one or all, disable and enable. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ admin: AdminService }> = async (app, { admin }) => {
  const tags = ['admin'];
  const security = bearerSecurity;
  const noContent = { 204: Type.Null(), ...errorResponses };
  const revokedCount = { 200: RevokeAllResponse, ...errorResponses };

  app.get(
    '/users/:userId/sessions',
    {
      schema: {
        tags,
        security,
        params: UserParams,
        response: { 200: AdminSessionsResponse, ...errorResponses },
      },
    },
    async (request) => ({ sessions: await admin.listSessions(request.params.userId) }),
  );

  app.delete(
    '/sessions/:sessionId',
    { schema: { tags, security, params: SessionParams, response: noContent } },
    async (request, reply) => {
      await admin.revokeSession(request.params.sessionId, operatorOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/users/:userId/sessions/revoke-all',
    { schema: { tags, security, params: UserParams, body: EmptyBody, response: revokedCount } },
    async (request) => ({ revokedCount: await admin.revokeAll(request.params.userId, operatorOf(request)) }),
  );

  app.post(
    '/users/:userId/disable',
    { schema: { tags, security, params: UserParams, body: EmptyBody, response: revokedCount } },
    async (request) => ({ revokedCount: await admin.disable(request.params.userId, operatorOf(request)) }),
  );

  app.post(
    '/users/:userId/enable',
    { schema: { tags, security, params: UserParams, body: EmptyBody, response: noContent } },
    async (request, reply) => {
      await admin.enable(request.params.userId, operatorOf(request));
      return reply.status(204).send(null);
    },
  );
};
