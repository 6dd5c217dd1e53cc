import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { TenureError } from '../errors.ts';
import { type AuditDeps, recordRequestEvent } from './audit.ts';
import { appendHook } from './route-config.ts';

/** The non-safelisted header `@tenure/client` sends on every /api/auth call. */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_HEADER_VALUE = 'tenure';

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

export type CsrfVerdict = { ok: true } | { ok: false; why: 'origin' | 'fetch-site' | 'header' };

/**
 * The CSRF decision for a cookie-authenticated, state-changing request:
 * - an `Origin` must be one of ALLOWED_ORIGINS exactly (`null` never is);
 * - without `Origin`, a `Sec-Fetch-Site` must say `same-origin` (or `none`: typed by the user);
 * - a request a browser made (either header present) must carry `X-Requested-With: tenure`,
 *   which no cross-site form can send and no cross-site script can send without a CORS
 *   preflight that the allow-list refuses.
 * A request with neither header comes from no browser (a CLI, a mobile app, a test): it cannot
 * be forged by a third-party page, so it passes.
 */
export function csrfVerdict(
  headers: FastifyRequest['headers'],
  allowedOrigins: ReadonlySet<string>,
): CsrfVerdict {
  const origin = headers.origin;
  const fetchSite = headers['sec-fetch-site'];
  if (origin !== undefined) {
    if (!allowedOrigins.has(origin)) return { ok: false, why: 'origin' };
  } else if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return { ok: false, why: 'fetch-site' };
  }
  const fromBrowser = origin !== undefined || fetchSite !== undefined;
  if (fromBrowser && headers[CSRF_HEADER] !== CSRF_HEADER_VALUE) return { ok: false, why: 'header' };
  return { ok: true };
}

export interface CsrfOptions extends AuditDeps {
  config: Pick<Config, 'allowedOrigins'>;
}

/**
 * Routes with `config: { csrf: true }` (register, login, refresh, logout) check the request's
 * origin before anything else runs, and refuse any body that is not JSON — even an empty one
 * sent as a form, which Fastify would otherwise hand to the handler: a cross-site form can only
 * send form or text bodies, so this alone stops form-based CSRF.
 */
async function csrf(app: FastifyInstance, { config, events, store, clock }: CsrfOptions) {
  const allowed = new Set(config.allowedOrigins);
  const audit = { events, store, clock };

  async function guard(request: FastifyRequest): Promise<void> {
    const verdict = csrfVerdict(request.headers, allowed);
    if (!verdict.ok) {
      await recordRequestEvent(audit, request, {
        type: 'csrf_rejected',
        detail: {
          why: verdict.why,
          route: request.routeOptions.url,
          origin: (request.headers.origin ?? '').slice(0, 200) || null,
        },
        dedupeKey: `${request.ip}:${request.routeOptions.url}:${verdict.why}`,
      });
      throw new TenureError('csrf_rejected', 'This request did not come from an allowed origin.');
    }
    const contentType = request.headers['content-type'];
    if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) {
      throw new TenureError('unsupported_media_type', 'Send JSON with Content-Type: application/json.');
    }
  }

  app.addHook('onRoute', (route) => {
    if (route.config?.csrf === true) route.onRequest = appendHook(route.onRequest, guard);
  });
}

export const csrfPlugin = fp(csrf, { name: 'tenure-csrf' });
