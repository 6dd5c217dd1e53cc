import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { TenureError } from '../errors.ts';
import { type AuditDeps, recordRequestEvent } from './audit.ts';
import { clientKey } from './client-key.ts';
import { appendHook } from './route-config.ts';

/** The non-safelisted header a browser request must carry (`@tenure/client` sends it on every call). */
export const CSRF_HEADER = 'x-requested-with';

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

export type CsrfFailure = 'origin' | 'fetch-site' | 'header';
export type CsrfVerdict = { ok: true } | { ok: false; why: CsrfFailure };

/** Each refusal names the check that failed, so a developer can tell a bad origin from a missing header. */
const refusals: Record<CsrfFailure, string> = {
  origin: 'The Origin of this request is not an allowed origin.',
  'fetch-site': 'Cross-site fetch refused: another site made this request (Sec-Fetch-Site).',
  header: 'A browser request must carry a non-empty X-Requested-With header.',
};

/**
 * The CSRF decision for a cookie-authenticated, state-changing request:
 * - an `Origin` must be one of ALLOWED_ORIGINS exactly (`null` never is);
 * - without `Origin`, a `Sec-Fetch-Site` must say `same-origin` (or `none`: typed by the user);
 * - a request a browser made (either header present) must carry a non-empty `X-Requested-With`.
 *   Its value does not matter: no cross-site form can send the header, and a cross-site script
 *   can send it only after a CORS preflight, which the allow-list refuses. So `XMLHttpRequest`
 *   (jQuery) passes as well as `tenure` (our client).
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
  const marker = headers[CSRF_HEADER];
  const marked = typeof marker === 'string' && marker.trim() !== '';
  if (fromBrowser && !marked) return { ok: false, why: 'header' };
  return { ok: true };
}

export interface CsrfOptions extends AuditDeps {
  config: Pick<Config, 'allowedOrigins'>;
}

/**
 * Routes with `config: { csrf: true }` (register, login, refresh, logout) check the request's
 * origin before the body is read (after the per-IP limit, so a flood of refusals from one client
 * is cut off there and cannot write an audit row per request), and refuse any body that is not
 * JSON — even an empty one sent as a form, which Fastify would otherwise hand to the handler:
 * a cross-site form can only send form or text bodies, so this alone stops form-based CSRF.
 */
async function csrf(app: FastifyInstance, { config, events, store, clock }: CsrfOptions) {
  const allowed = new Set(config.allowedOrigins);
  const audit = { events, store, clock };

  async function guard(request: FastifyRequest): Promise<void> {
    const verdict = csrfVerdict(request.headers, allowed);
    if (!verdict.ok) {
      const route = request.routeOptions.url;
      await recordRequestEvent(audit, request, {
        type: 'csrf_rejected',
        detail: { why: verdict.why, route, origin: (request.headers.origin ?? '').slice(0, 200) || null },
        dedupeKey: `${clientKey(request.ip)}:${route}:${verdict.why}`,
      });
      throw new TenureError('csrf_rejected', refusals[verdict.why]);
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
