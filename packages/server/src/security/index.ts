import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { loadCommonPasswords } from './common-passwords.ts';
import { type CsrfOptions, csrfPlugin } from './csrf.ts';
import { securityHeadersPlugin } from './headers.ts';
import { type RateLimitsOptions, rateLimitsPlugin } from './rate-limits.ts';

/** What the security plugins use, and nothing more. */
export interface SecurityOptions extends CsrfOptions, RateLimitsOptions {
  config: Readonly<Config>;
}

/**
 * Everything in front of the routes, in the order a request meets it: HTTPS, headers, then
 * per-route limits and CSRF (route config `limits` / `csrf`,
 * so this must be registered before the routes). The per-IP limits are registered before CSRF
 * so their `onRequest` hook runs first: a client over its budget gets 429 and writes no
 * `csrf_rejected` row.
 */
async function security(app: FastifyInstance, options: SecurityOptions) {
  const { config, events, store, clock } = options;
  loadCommonPasswords();
  // With ENFORCE_HTTPS, this refuses plain HTTP before anything else looks at the request. The
  // API answers JSON only: no document headers, and none of helmet's per-request hooks.
  await app.register(securityHeadersPlugin, { config, documents: false });
  if (config.rateLimits) {
    const { sessions, refreshCookie, onLoginRateLimited } = options;
    await app.register(rateLimitsPlugin, {
      events,
      store,
      clock,
      sessions,
      refreshCookie,
      onLoginRateLimited,
    });
  }
  await app.register(csrfPlugin, { config, events, store, clock });
}

export const securityPlugin = fp(security, { name: 'tenure-security' });
