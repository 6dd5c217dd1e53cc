import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Services } from '../http/services.ts';
import { loadCommonPasswords } from './common-passwords.ts';
import { corsPlugin } from './cors.ts';
import { csrfPlugin } from './csrf.ts';
import { securityHeadersPlugin } from './headers.ts';
import { httpsOnlyPlugin } from './https.ts';
import { rateLimitsPlugin } from './rate-limits.ts';
import { requestContextPlugin } from './request-context.ts';

/**
 * Everything issue 5 puts in front of the routes, in the order a request meets it: request
 * scope (for audit rows), HTTPS, headers, CORS, then per-route CSRF and limits (route config
 * `csrf` / `limits`, so it must be registered before the routes).
 */
async function security(app: FastifyInstance, { services }: { services: Services }) {
  loadCommonPasswords();
  await app.register(requestContextPlugin);
  if (services.config.enforceHttps) await app.register(httpsOnlyPlugin);
  await app.register(securityHeadersPlugin, { config: services.config });
  await app.register(corsPlugin, { config: services.config });
  await app.register(csrfPlugin, { services });
  if (services.config.rateLimits) await app.register(rateLimitsPlugin, { services });
}

export const securityPlugin = fp(security, { name: 'tenure-security' });
export { RequestScopedEventRepository } from './request-context.ts';
