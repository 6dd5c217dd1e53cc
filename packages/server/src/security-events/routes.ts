import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { bearerSecurity, errorResponses, Timestamp } from '../http/schemas.ts';
import type { SecurityEventRepository } from './security-event-repository.ts';

const SecurityEvent = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    sessionId: Type.Union([Type.String(), Type.Null()]),
    ipAddress: Type.Union([Type.String(), Type.Null()]),
    userAgent: Type.Union([Type.String(), Type.Null()]),
    detail: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

const Query = Type.Object(
  { limit: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$' })) },
  { additionalProperties: false },
);

/** The user's own audit trail, newest first, for the security settings page. */
export const securityEventRoutes: FastifyPluginAsyncTypebox<{ repository: SecurityEventRepository }> = async (
  app,
  { repository },
) => {
  app.addHook('preHandler', app.authenticate);
  app.get(
    '/security-events',
    {
      schema: {
        tags: ['security-events'],
        security: bearerSecurity,
        querystring: Query,
        response: { 200: Type.Object({ events: Type.Array(SecurityEvent) }), ...errorResponses },
      },
    },
    async (request) => {
      const rows = await repository.findRecentByUser(request.auth.userId, Number(request.query.limit ?? 50));
      return {
        events: rows.map((row) => ({
          id: row.event_id,
          type: row.type,
          sessionId: row.session_id,
          ipAddress: row.ip_address,
          userAgent: row.user_agent,
          detail: row.detail,
          createdAt: row.created_at.toISOString(),
        })),
      };
    },
  );
};
