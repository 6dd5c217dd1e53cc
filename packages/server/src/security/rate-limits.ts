import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TenureError } from '../errors.ts';
import { namespacedRateLimit, rateLimitStore } from '../store/rate-limit-store.ts';
import { type AuditDeps, recordRequestEvent } from './audit.ts';
import { clientKey } from './client-key.ts';
import { type LimitName, requestLimits } from './limits.ts';
import { appendHook } from './route-config.ts';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

export interface RateLimitsOptions extends AuditDeps {
  /** Finds the session of a refresh token, for the per-session refresh limit. */
  sessions: { sessionIdOfRefreshToken(refreshToken: string): Promise<string | undefined> };
  /** Reads the refresh token a browser sent as a cookie. */
  refreshCookie: { read(request: FastifyRequest): string | undefined };
  /** Told when the per-IP limit refuses a sign-in, so sign-in outcomes can count it. */
  onLoginRateLimited?: () => void;
}

/**
 * Per-route request limits (`config: { limits: [...] }`) with `@fastify/rate-limit` counting in
 * the shared Store. IP limits run in `onRequest`, before the body is read, and count per
 * `clientKey` (IPv6 by /56); session limits run after validation (they need the refresh token
 * or the access token). Over the limit: 429 `rate_limited` with `Retry-After`, one
 * `rate_limited` security event per blocked key and window. A Store outage fails closed (503),
 * like every other Store use.
 */
async function rateLimits(app: FastifyInstance, options: RateLimitsOptions) {
  const { events, store, clock, sessions, refreshCookie, onLoginRateLimited } = options;
  const audit = { events, store, clock };
  await app.register(rateLimit, { global: false, store: rateLimitStore(store) });

  // Every limiter's key is computed before it runs (some need I/O) and read back here.
  const keys = new WeakMap<FastifyRequest, string>();
  const limiters = new Map<LimitName, Limiter>();
  for (const [name, limit] of Object.entries(requestLimits) as [
    LimitName,
    (typeof requestLimits)[LimitName],
  ][]) {
    limiters.set(
      name,
      namespacedRateLimit(app, name, {
        max: limit.max,
        timeWindow: limit.windowMs,
        keyGenerator: (request: FastifyRequest) => keys.get(request) ?? '',
      }),
    );
  }

  async function keyFor(name: LimitName, request: FastifyRequest): Promise<string | undefined> {
    const per = requestLimits[name].per;
    if (per === 'ip') return clientKey(request.ip);
    if (per === 'auth-session') return request.auth?.sessionId;
    const body = request.body as { refreshToken?: string } | undefined;
    const token = body?.refreshToken ?? refreshCookie.read(request);
    // An unknown token has no session to count against; the refresh itself will fail.
    return token ? sessions.sessionIdOfRefreshToken(token) : undefined;
  }

  async function enforce(names: LimitName[], request: FastifyRequest): Promise<void> {
    for (const name of names) {
      const key = await keyFor(name, request);
      if (key === undefined) continue;
      keys.set(request, key);
      const result = await limiters.get(name)!(request);
      if (!('isExceeded' in result) || !result.isExceeded) continue;
      if (name === 'login-ip') onLoginRateLimited?.();
      await recordRequestEvent(audit, request, {
        type: 'rate_limited',
        userId: name === 'password-session' ? (request.auth?.userId ?? null) : null,
        detail: { limit: name, retryAfterSeconds: result.ttlInSeconds },
        dedupeKey: `${name}:${result.key}`,
        dedupeMs: result.ttl,
      });
      throw new TenureError('rate_limited', 'Too many requests. Please try again later.', {
        retryAfterSeconds: Math.max(1, result.ttlInSeconds),
      });
    }
  }

  app.addHook('onRoute', (route) => {
    const names = route.config?.limits ?? [];
    const early = names.filter((name) => requestLimits[name].per === 'ip');
    const late = names.filter((name) => requestLimits[name].per !== 'ip');
    if (early.length > 0) {
      route.onRequest = appendHook(route.onRequest, async (request: FastifyRequest) =>
        enforce(early, request),
      );
    }
    if (late.length > 0) {
      route.preHandler = appendHook(route.preHandler, async (request: FastifyRequest) =>
        enforce(late, request),
      );
    }
  });
}

export const rateLimitsPlugin = fp(rateLimits, { name: 'tenure-rate-limits' });
