import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type RawServerDefault,
} from 'fastify';
import { AuthService } from './auth/auth-service.ts';
import { passwordRoutes } from './auth/password-routes.ts';
import { RefreshCookie } from './auth/refresh-cookie.ts';
import { authRoutes } from './auth/routes.ts';
import { UserRepository } from './auth/user-repository.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ACCEPT_CH, createGeolocator, type Geolocator } from './devices/index.ts';
import { TenureError, toEnvelope } from './errors.ts';
import type { Services } from './http/services.ts';
import { createLogger, type Logger } from './logger.ts';
import { wireSessionMetrics } from './ops/active-sessions.ts';
import { healthRoutes } from './ops/health-routes.ts';
import { createMetrics, type Metrics } from './ops/metrics.ts';
import { metricsPlugin } from './ops/metrics-plugin.ts';
import { authenticate } from './plugins/authenticate.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { RequestScopedEventRepository, securityPlugin } from './security/index.ts';
import { LoginThrottle } from './security/login-throttle.ts';
import { securityEventRoutes } from './security-events/routes.ts';
import { SecurityEvents } from './security-events/security-events.ts';
import { ActivityTracker } from './sessions/activity.ts';
import { sessionRoutes } from './sessions/routes.ts';
import { SessionRepository } from './sessions/session-repository.ts';
import { SessionService } from './sessions/session-service.ts';
import { createStore } from './store/index.ts';
import type { Store } from './store/store.ts';
import { AccessTokens } from './tokens/access-token.ts';
import { getOrCreateSecret } from './tokens/server-secrets.ts';
import { KeyRing } from './tokens/signing-keys.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The services behind the routes, for tests and for embedding apps. */
    tenure: Services;
  }
}

export interface BuildAppOptions {
  config: Readonly<Config>;
  clock?: Clock;
  /** A pino logger; defaults to structured JSON logs with secrets redacted. */
  logger?: Logger;
  store?: Store;
  geolocator?: Geolocator;
  metrics?: Metrics;
}

const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the app (database, store, keys, routes) without listening: `server.ts` listens. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);

  const database = await connectDatabase(config.databaseUrl);
  let store: Store | undefined;
  try {
    await migrateToLatest(database.db);
    store =
      options.store ??
      (await createStore({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, logger, clock }));
    const services = await createServices(options, clock, logger, database, store);
    return await createHttpApp(services, logger);
  } catch (error) {
    await store?.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}

async function createServices(
  options: BuildAppOptions,
  clock: Clock,
  logger: Logger,
  database: Services['database'],
  store: Store,
): Promise<Services> {
  const { config } = options;
  const { db } = database;
  // On the app's clock, so cleanup timestamps and revocation-to-refusal times follow injected time.
  const metrics = options.metrics ?? createMetrics({ now: () => clock.now(), activeSessionsCacheMs: 30_000 });
  const geolocator = options.geolocator ?? (await createGeolocator({ apiKey: config.ipGeolocationApiKey }));
  const keyRing = new KeyRing(db, clock, config.accessTokenTtlMs, config.jwtPrivateKey);
  await keyRing.init();
  const refreshSecret = await getOrCreateSecret(db, 'refresh_token_hmac', () =>
    randomBytes(32).toString('base64url'),
  );

  const repository = new SessionRepository(db);
  const users = new UserRepository(db);
  // Audit rows carry the id of the request that caused them (security/request-context.ts).
  const events = new SecurityEvents(new RequestScopedEventRepository(db), logger);
  const activity = new ActivityTracker(repository, store, clock, config.activityWriteIntervalMs, (error) =>
    logger.warn({ err: error }, 'could not write session activity'),
  );
  const accessTokens = new AccessTokens({
    keyRing,
    clock,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
  });
  const sessions = new SessionService({
    config,
    clock,
    repository,
    events,
    store,
    activity,
    accessTokens,
    metrics,
    refreshSecret,
  });
  const throttle = config.rateLimits ? new LoginThrottle(store) : null;
  const auth = new AuthService({ users, sessions, events, metrics, clock, throttle });

  // A restart must not forget revocations whose access tokens are still unexpired.
  const recentlyRevoked = await repository.findRecentlyRevoked(
    new Date(clock.now() - config.accessTokenTtlMs - 60_000),
  );
  await Promise.all(
    recentlyRevoked.map((row) =>
      store.denySession(row.session_id, clock.now() + config.accessTokenTtlMs + 60_000),
    ),
  );
  wireSessionMetrics(metrics, db, clock, config);

  return {
    config,
    clock,
    database,
    store,
    metrics,
    geolocator,
    keyRing,
    users,
    sessions,
    activity,
    auth,
    events,
    refreshCookie: new RefreshCookie(config),
  };
}

async function createHttpApp(services: Services, logger: Logger): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: logger,
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('tenure', services);
  // Only JSON bodies exist in this API; anything else is 415 before a handler runs.
  app.removeContentTypeParser(['text/plain']);

  await app.register(errorHandlerPlugin);
  await app.register(cookie);
  // HTTPS, headers, CORS, and the CSRF checks and limits that routes ask for in their config.
  await app.register(securityPlugin, { services });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tenure', version: '0.1.0', description: 'Sessions, devices and token refresh.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(metricsPlugin, {
    metrics: services.metrics,
    token: config.metricsToken,
    expose: config.metricsPort === undefined,
  });
  await app.register(authenticate, { sessions: services.sessions });

  await app.register(
    async (api) => {
      // POST /refresh and /logout may come without a body: validate them as `{}`.
      api.addHook('preValidation', async (request) => {
        if (request.body === undefined && request.method !== 'GET') request.body = {};
      });
      api.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });
      await api.register(authRoutes, { services });
      await api.register(passwordRoutes, { services });
      await api.register(sessionRoutes, { services });
      await api.register(securityEventRoutes, { services });
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/auth' },
  );
  await app.register(healthRoutes, { services });
  await registerWebApp(app, config.webRoot);

  services.activity.start();
  app.addHook('onClose', async () => {
    await services.activity.stop();
    await services.store.close();
    await services.geolocator.close?.();
    await services.database.close();
  });
  return app;
}

/** TRUST_PROXY as Fastify takes it: a hop count becomes "trust the nearest N hops". */
function trustProxyOption(
  value: Config['trustProxy'],
): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address, hop) => hop < value : value;
}

/** Serves the built web app on `/`, with client-side routes falling back to index.html. */
async function registerWebApp(app: FastifyInstance, webRoot: string | undefined) {
  const root = webRoot ? resolve(webRoot) : undefined;
  const hasWeb = root !== undefined && existsSync(resolve(root, 'index.html'));
  // Pages ask browsers for User-Agent Client Hints, so sign-ins name devices precisely.
  const setHeaders = (reply: FastifyReply, path: string) => {
    if (path.endsWith('.html')) reply.header('accept-ch', ACCEPT_CH);
  };
  if (hasWeb) await app.register(fastifyStatic, { root, wildcard: false, index: 'index.html', setHeaders });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (hasWeb && request.method === 'GET' && !path.startsWith('/api/') && !path.includes('.')) {
      return reply.header('accept-ch', ACCEPT_CH).type('text/html').sendFile('index.html');
    }
    return reply
      .status(404)
      .send(toEnvelope(new TenureError('not_found', `No route for ${request.method} ${path}`)));
  });
}
