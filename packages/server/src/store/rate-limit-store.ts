import type {
  CreateRateLimitOptions,
  FastifyRateLimitOptions,
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { HitOptions, Store } from './store.ts';

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** The parts of the plugin's (global or per-route) options a store acts on. */
interface LimiterParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  /** Set by the plugin for per-route limits (`config.rateLimit`); empty for `createRateLimit`. */
  routeInfo?: { method?: string | string[]; url?: string };
  /** Our own option: the key namespace of a `createRateLimit` limiter (it has no route). */
  nameSpace?: string;
}

function onExceed(params: LimiterParams): HitOptions['onExceed'] {
  if (params.continueExceeding === true) return 'restart';
  if (params.exponentialBackoff === true) return 'backoff';
  return 'keep';
}

function namespaceOf(params: LimiterParams): string {
  if (params.nameSpace !== undefined) return `${params.nameSpace}:`;
  const { method, url } = params.routeInfo ?? {};
  if (url === undefined) return '';
  return `${Array.isArray(method) ? method.join(',') : (method ?? '')}${url}:`;
}

/** One limiter's view of the Store, in the callback shape `@fastify/rate-limit` calls. */
class StoreLimiter implements FastifyRateLimitStore {
  constructor(
    private readonly store: Store,
    private readonly prefix: string,
    private readonly mode: HitOptions['onExceed'],
  ) {}

  incr(key: string, callback: IncrCallback, timeWindow: number, max: number): void {
    this.store.hit(this.prefix + key, timeWindow, { max, onExceed: this.mode }).then(
      ({ count, resetInMs }) => callback(null, { current: count, ttl: resetInMs }),
      (error: Error) => callback(error),
    );
  }

  /** Used by `createRateLimit(...)(req, { increment: false })`. */
  read(key: string, callback: IncrCallback): void {
    this.store.peek(this.prefix + key).then(
      ({ count, resetInMs }) => callback(null, { current: count, ttl: resetInMs }),
      (error: Error) => callback(error),
    );
  }

  child(routeOptions: object): FastifyRateLimitStore {
    const params = routeOptions as LimiterParams;
    return new StoreLimiter(this.store, this.prefix + namespaceOf(params), onExceed(params));
  }
}

/**
 * `@fastify/rate-limit`'s `store` option, counting in our Store so limits hold across
 * instances. Route limits (`config.rateLimit`) are keyed per method and URL;
 * a `createRateLimit` limiter should pass `nameSpace` (e.g. `'login-account'`) so two
 * limiters with the same keys do not share counters. Store outages reach the plugin as
 * `StoreUnavailableError` (503) unless `skipOnError` is set.
 *
 * @example app.register(rateLimit, { global: false, store: rateLimitStore(store) })
 */
export function rateLimitStore(store: Store, prefix = 'rl:'): FastifyRateLimitStoreCtor {
  return class extends StoreLimiter {
    constructor(globalParams: FastifyRateLimitOptions) {
      super(store, prefix, onExceed(globalParams as LimiterParams));
    }
  };
}

/**
 * `app.createRateLimit` with its own key namespace, for limits that are not a route's
 * (login failures per account, refresh per session). Without a namespace two such limiters
 * with the same keys would share one counter.
 *
 * @example const perAccount = namespacedRateLimit(app, 'login-account', { max: 5, timeWindow: 900_000, keyGenerator })
 */
export function namespacedRateLimit(
  app: FastifyInstance,
  nameSpace: string,
  options: CreateRateLimitOptions,
): ReturnType<FastifyInstance['createRateLimit']> {
  const withNamespace = { ...options, nameSpace };
  return app.createRateLimit(withNamespace);
}
