import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { TenureError } from '../errors.ts';

/** Load balancers and Prometheus reach instances directly over plain HTTP; these carry no secrets. */
const PLAIN_HTTP_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Where plain-HTTP pages are sent: the first https origin of ALLOWED_ORIGINS whose host is the
 * request's, else the first https origin at all; undefined when there is none. The request's
 * `Host` (or `X-Forwarded-Host`) only picks among configured origins and never becomes the
 * target: anyone can write those headers, and redirecting to them is an open redirect (and a
 * cache-poisoning one behind a shared cache).
 */
export function httpsRedirectOrigins(allowedOrigins: readonly string[]) {
  const https = allowedOrigins
    .filter((origin) => origin.startsWith('https://'))
    .map((origin) => ({ origin, hostname: new URL(origin).hostname }));
  return (requestHostname: string): string | undefined => {
    const hostname = requestHostname.toLowerCase();
    return (https.find((candidate) => candidate.hostname === hostname) ?? https[0])?.origin;
  };
}

/**
 * ENFORCE_HTTPS: a page requested over plain HTTP is redirected to HTTPS on an allowed origin.
 * Anything else (the API, where credentials travel), or a page with no https allowed origin to
 * go to, is refused with 403 `forbidden`. `request.protocol` honours `X-Forwarded-Proto` only
 * from TRUST_PROXY, so a client cannot claim HTTPS.
 */
async function httpsOnly(app: FastifyInstance, { config }: { config: Pick<Config, 'allowedOrigins'> }) {
  const redirectOrigin = httpsRedirectOrigins(config.allowedOrigins);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.protocol === 'https') return;
    const path = request.url.split('?')[0] ?? '';
    if (PLAIN_HTTP_PATHS.has(path)) return;
    if ((request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/')) {
      const origin = redirectOrigin(request.hostname);
      // An absolute-form request target (`GET http://host/path`) keeps only our origin: `/`.
      const target = request.url.startsWith('/') ? request.url : '/';
      if (origin !== undefined) return reply.redirect(`${origin}${target}`, 301);
    }
    throw new TenureError('forbidden', 'HTTPS is required.');
  });
}

export const httpsOnlyPlugin = fp(httpsOnly, { name: 'tenure-https-only' });
