import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
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

/**
 * Transport security and headers for every route of the context it is registered in (the API
 * and the standalone server's pages alike). With ENFORCE_HTTPS, plain HTTP is refused or
 * redirected first (`https.ts`). Then, on every response (helmet): CSP, `frame-ancestors 'none'`
 * and `X-Frame-Options: DENY`, `nosniff`, `Referrer-Policy: no-referrer`, no `X-Powered-By`;
 * HSTS only when ENFORCE_HTTPS (over plain HTTP it would be ignored, and on localhost harmful).
 */
async function securityHeaders(app: FastifyInstance, { config }: { config: Readonly<Config> }) {
  if (config.enforceHttps) await app.register(httpsOnlyPlugin, { config });
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: contentSecurityPolicy(config.enforceHttps),
    strictTransportSecurity: config.enforceHttps
      ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true }
      : false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
}

export const securityHeadersPlugin = fp(securityHeaders, { name: 'tenure-security-headers' });
