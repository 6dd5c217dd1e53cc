import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { TenureError, toEnvelope } from '../errors.ts';
import { errorHandlerPlugin } from '../plugins/error-handler.ts';
import { securityHeadersPlugin } from '../security/headers.ts';
import type { Store } from '../store/store.ts';
import { addAdminAccess } from './admin-access.ts';
import type { AdminService } from './admin-service.ts';
import { adminRoutes } from './routes.ts';

export const ADMIN_PREFIX = '/api/admin';

export interface AdminApiOptions {
  /** ADMIN_API_TOKEN. */
  token: string;
  store: Store;
  admin: AdminService;
  config: Readonly<Config>;
}

/**
 * The admin routes and what stands in front of them, in a context of their own prefixed
 * `ADMIN_PREFIX`: error envelope, request ids in audit rows, security headers, the rate limit
 * and the bearer token (for unknown paths too), JSON only. No cookie, no CORS, no CSRF check:
 * the bearer token is the only credential, and a browser never sends it by itself.
 */
export async function adminApi(app: FastifyInstance, { token, store, admin, config }: AdminApiOptions) {
  await app.register(errorHandlerPlugin);
  // Audit rows written by an admin action carry the id of its request.
  await app.register(securityHeadersPlugin, { config, documents: false });
  addAdminAccess(app, { token, store, rateLimits: config.rateLimits });
  // The POST actions take no body: validate a missing one as `{}`.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET') request.body = {};
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  await app.register(adminRoutes, { admin });
  app.setNotFoundHandler(sendNotFound);
}

/** 404 `not_found` in the error envelope. */
export function sendNotFound(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0];
  return reply
    .status(404)
    .send(toEnvelope(new TenureError('not_found', `No route for ${request.method} ${path}`)));
}
