import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TenureError } from '../errors.ts';

/** Load balancers and Prometheus reach instances directly over plain HTTP; these carry no secrets. */
const PLAIN_HTTP_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * ENFORCE_HTTPS: a page requested over plain HTTP is redirected to HTTPS; anything else (the
 * API, where credentials travel) is refused with 403 `forbidden`. `request.protocol` honours
 * `X-Forwarded-Proto` only from TRUST_PROXY, so a client cannot claim HTTPS.
 */
async function httpsOnly(app: FastifyInstance) {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.protocol === 'https') return;
    const path = request.url.split('?')[0] ?? '';
    if (PLAIN_HTTP_PATHS.has(path)) return;
    if ((request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/')) {
      return reply.redirect(`https://${request.host}${request.url}`, 301);
    }
    throw new TenureError('forbidden', 'HTTPS is required.');
  });
}

export const httpsOnlyPlugin = fp(httpsOnly, { name: 'tenure-https-only' });
