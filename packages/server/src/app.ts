import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type RawServerDefault,
} from 'fastify';
import { MAX_ENCODED_USER_ID_LENGTH } from './admin/schemas.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { connectDatabase, type DatabaseHandle } from './db/connect.ts';
import { ACCEPT_CH, type Geolocator } from './devices/index.ts';
import { TenureError, toEnvelope } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { healthRoutes } from './ops/health-routes.ts';
import { createMetrics, type Metrics } from './ops/metrics.ts';
import { metricsPlugin } from './ops/metrics-plugin.ts';
import { tenure } from './plugin.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { securityHeadersPlugin } from './security/headers.ts';
import type { OutcomeListener } from './sessions/outcomes.ts';
import { createStore } from './store/index.ts';
import type { Store } from './store/store.ts';

export interface BuildAppOptions {
  config: Readonly<Config>;
  clock?: Clock;
  /** A pino logger; defaults to structured JSON logs with secrets redacted. */
  logger?: Logger;
  /** An open database (closed with the app); defaults to DATABASE_URL. */
  database?: DatabaseHandle;
  /** A store (closed with the app); defaults to the one REDIS_URL selects. */
  store?: Store;
  geolocator?: Geolocator;
  metrics?: Metrics;
  listeners?: OutcomeListener[];
  /** Run the retention cleanup on CLEANUP_CRON. @default true */
  jobs?: boolean;
}

const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The standalone server without listening (`server.ts` listens): the `tenure` plugin, plus the
 * web app, `/healthz`, `/readyz` and `/metrics`.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);
  const database = options.database ?? (await connectDatabase(config.databaseUrl));
  let store = options.store;
  try {
    store ??= await createStore({
      redisUrl: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      logger,
      clock,
    });
    return await assemble(options, { clock, logger, database, store });
  } catch (error) {
    await store?.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}

async function assemble(
  options: BuildAppOptions,
  {
    clock,
    logger,
    database,
    store,
  }: { clock: Clock; logger: Logger; database: DatabaseHandle; store: Store },
): Promise<FastifyInstance> {
  const { config } = options;
  // On the app's clock, so revocation-to-refusal times follow injected time.
  const metrics = options.metrics ?? createMetrics({ now: () => clock.now(), activeSessionsCacheMs: 30_000 });
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: logger,
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    // Admin routes take any user id of up to 255 characters as a path parameter.
    routerOptions: { maxParamLength: MAX_ENCODED_USER_ID_LENGTH },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Only JSON bodies exist in this API; anything else is 415 before a handler runs.
  app.removeContentTypeParser(['text/plain']);
  // Closed after the plugin let go of them: onClose hooks run in reverse order.
  app.addHook('onClose', async () => {
    await store.close();
    await database.close();
  });

  await app.register(errorHandlerPlugin);
  await app.register(metricsPlugin, {
    metrics,
    token: config.metricsToken,
    expose: config.metricsPort === undefined,
  });
  await app.register(tenure, {
    config,
    clock,
    database,
    store,
    metrics,
    ...(options.geolocator && { geolocator: options.geolocator }),
    ...(options.listeners && { listeners: options.listeners }),
    ...(options.jobs !== undefined && { jobs: options.jobs }),
  });
  await app.register(async (site) => {
    await site.register(securityHeadersPlugin, { config });
    await site.register(healthRoutes, { database, store });
    await registerWebApp(site, config.webRoot);
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
