import type { LimitName } from './limits.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A cookie-authenticated, state-changing route: a browser request must come from an allowed
     * Origin (or same-origin `Sec-Fetch-Site`) with a non-empty `X-Requested-With`, and a JSON body.
     */
    csrf?: boolean;
    /** Named request limits (security/limits.ts) applied to this route. */
    limits?: readonly LimitName[];
  }
}

export type RouteHook<T> = T | T[] | undefined;

/** Appends a hook to a route's (possibly absent, single or array) hook option. */
export function appendHook<T>(existing: RouteHook<T>, hook: T): T[] {
  if (existing === undefined) return [hook];
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook];
}
