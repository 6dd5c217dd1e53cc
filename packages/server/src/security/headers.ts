import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { httpsOnlyPlugin } from './https.ts';

/**
 * The Content-Security-Policy of the web app: Vite emits external scripts and one stylesheet,
 * and `@tenure/react` ships a stylesheet too (no inline `<style>`), so nothing needs
 * 'unsafe-inline'. The API answers from the same origin (connect-src 'self').
 */
export function contentSecurityPolicy(enforceHttps: boolean) {
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      ...(enforceHttps && { upgradeInsecureRequests: [] }),
    },
  };
}

/** Headers every answer carries, JSON or HTML: what matters to a browser reading any response. */
function everyResponseHeaders(enforceHttps: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Over plain HTTP HSTS would be ignored, and on localhost harmful.
    ...(enforceHttps && { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }),
  };
}

export interface SecurityHeadersOptions {
  config: Readonly<Config>;
  /**
   * Whether this context serves HTML documents. Their headers (CSP, frame options and helmet's
   * other document headers) mean nothing on a JSON answer; a context that only answers JSON
   * (the API) skips helmet's per-request hooks altogether.
   * @default true
   */
  documents?: boolean;
}

/**
 * Transport security and headers for the context it is registered in. With ENFORCE_HTTPS,
 * plain HTTP is refused or redirected first (`https.ts`). Every response gets `nosniff`,
 * `Referrer-Policy: no-referrer` and, with ENFORCE_HTTPS, HSTS — set once per request from a
 * constant object. HTML responses also get helmet's document headers: CSP with
 * `frame-ancestors 'none'`, `X-Frame-Options: DENY`, cross-origin isolation and the rest.
 * Measured: helmet's dozen middlewares on every JSON answer cost more than the route itself.
 */
async function securityHeaders(app: FastifyInstance, options: SecurityHeadersOptions) {
  const { config } = options;
  if (config.enforceHttps) await app.register(httpsOnlyPlugin, { config });
  const common = everyResponseHeaders(config.enforceHttps);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(common);
    done();
  });
  if (options.documents === false) return;
  await app.register(helmet, {
    global: false,
    contentSecurityPolicy: contentSecurityPolicy(config.enforceHttps),
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isHtml(reply)) reply.helmet();
    done(null, payload);
  });
}

function isHtml(reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type');
  return typeof type === 'string' && type.startsWith('text/html');
}

export const securityHeadersPlugin = fp(securityHeaders, { name: 'tenure-security-headers' });
