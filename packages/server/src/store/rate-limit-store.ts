import type {
  CreateRateLimitOptions,
  FastifyRateLimitOptions,
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Store } from './store.ts';

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** The parts of the plugin's options this store looks at. */
interface LimiterParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  /** Our own option: the key namespace of a `namespacedRateLimit` limiter. */
  nameSpace?: string;
}

/** Counting is a fixed window: an option asking for another kind is refused, never ignored. */
function assertFixedWindow(params: LimiterParams): void {
  if (params.continueExceeding === true || params.exponentialBackoff === true) {
    throw new Error(
      'rateLimitStore counts in fixed windows: continueExceeding and exponentialBackoff are unsupported',
    );
  }
}

/** One limiter's view of the Store, in the callback shape `@fastify/rate-limit` calls. */
class StoreLimiter implements FastifyRateLimitStore {
  constructor(
    private readonly store: Store,
    private readonly prefix: string,
  ) {}

  incr(key: string, callback: IncrCallback, timeWindow: number): void {
    this.store.hit(this.prefix + key, timeWindow).then(
      ({ count, resetInMs }) => callback(null, { current: count, ttl: resetInMs }),
      (error: Error) => callback(error),
    );
  }

  /** The plugin derives every limiter (`createRateLimit`, a route's `config.rateLimit`) here. */
  child(routeOptions: object): FastifyRateLimitStore {
    const params = routeOptions as LimiterParams;
    assertFixedWindow(params);
    // Without a namespace, limiters with the same keys would share one counter.
    if (params.nameSpace === undefined) {
      throw new Error('rateLimitStore: every limiter needs its own key namespace; use namespacedRateLimit');
    }
    return new StoreLimiter(this.store, `${this.prefix}${params.nameSpace}:`);
  }
}

/**
 * `@fastify/rate-limit`'s `store` option, counting in our Store so limits hold across
 * instances. Limiters are made with `namespacedRateLimit`. Store outages reach the caller as
 * `StoreUnavailableError` (503) unless `skipOnError` is set.
 *
 * @example app.register(rateLimit, { global: false, store: rateLimitStore(store) })
 */
export function rateLimitStore(store: Store): FastifyRateLimitStoreCtor {
  return class extends StoreLimiter {
    constructor(globalParams: FastifyRateLimitOptions) {
      super(store, 'rl:');
      assertFixedWindow(globalParams as LimiterParams);
    }
  };
}

/**
 * `app.createRateLimit` with its own key namespace (e.g. `'login-ip'`), so two limiters with
 * the same keys do not share a counter.
 *
 * @example const perIp = namespacedRateLimit(app, 'login-ip', { max: 5, timeWindow: 900_000, keyGenerator })
 */
export function namespacedRateLimit(
  app: FastifyInstance,
  nameSpace: string,
  options: CreateRateLimitOptions,
): ReturnType<FastifyInstance['createRateLimit']> {
  const withNamespace = { ...options, nameSpace };
  return app.createRateLimit(withNamespace);
}
