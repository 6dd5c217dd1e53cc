import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ADMIN_PREFIX, adminPlugin } from './admin/plugin.ts';
import { passwordRoutes } from './auth/password-routes.ts';
import { reauthRoutes } from './auth/reauth-routes.ts';
import { authRoutes } from './auth/routes.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type Core, createCore } from './core.ts';
import type { DatabaseHandle } from './db/connect.ts';
import type { Geolocator } from './devices/index.ts';
import { TenureError, toEnvelope } from './errors.ts';
import { wireSessionMetrics } from './ops/active-sessions.ts';
import { startCleanupSchedule } from './ops/cleanup-schedule.ts';
import type { Metrics } from './ops/metrics.ts';
import { metricsListener } from './ops/session-metrics.ts';
import { authenticate } from './plugins/authenticate.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { revocationRoutes } from './revocations/routes.ts';
import { corsPlugin } from './security/cors.ts';
import { securityPlugin } from './security/index.ts';
import { securityEventRoutes } from './security-events/routes.ts';
import { confirmAuthFor } from './sessions/confirm-auth.ts';
import type { OutcomeListener } from './sessions/outcomes.ts';
import sessionRoutes from './sessions/routes.ts';
import type { SignedInResponse } from './sessions/schemas.ts';
import { type StartSessionProfile, startSessionFor } from './sessions/start-session.ts';
import tokenRoutes from './sessions/token-routes.ts';
import type { Store } from './store/store.ts';
import { jwksRoutes } from './tokens/jwks-routes.ts';
import { setUpWebhooks } from './webhooks/index.ts';

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Starts a session for a user the app signed in itself and resolves to the sign-in body,
     * which the handler returns. `userId` is the app's own id (1–255 characters); never one
     * that came from the client.
     */
    startSession(userId: string, profile?: StartSessionProfile): Promise<SignedInResponse>;
    /**
     * After the app's own check that the person is who they say (behind `app.authenticate`):
     * the session's sign-in time becomes now, for `requireRecentAuth`. Resolves to the sign-in
     * body with a fresh access token for the same session; the refresh token is not rotated.
     */
    confirmAuth(): Promise<SignedInResponse>;
  }
}

export interface TenureOptions {
  /** From `loadConfig(process.env)`. */
  config: Readonly<Config>;
  /**
   * Tenure's own password accounts: `/register`, `/login` and `/password`. Turn off when the app
   * signs users in itself and starts sessions with `reply.startSession`.
   * @default true
   */
  passwordAuth?: boolean;
  /**
   * Run the background jobs (the retention cleanup on CLEANUP_CRON, webhook delivery) in this
   * process. Turn off when another process runs them.
   * @default true
   */
  jobs?: boolean;
  /** Hear every session outcome (created, ended with its reason, reuse detected, …). */
  listeners?: OutcomeListener[];
  /** Prometheus metrics to keep (the standalone server serves them on /metrics). */
  metrics?: Metrics;
  clock?: Clock;
  /** An open database to use instead of opening DATABASE_URL; the app keeps owning it. */
  database?: DatabaseHandle;
  /** A store to use instead of the one REDIS_URL selects; the app keeps owning it. */
  store?: Store;
  geolocator?: Geolocator;
}

/**
 * Tenure as a Fastify plugin: migrates the database, mounts `/api/auth/*` and
 * `/.well-known/jwks.json`, decorates `app.authenticate` / `request.auth`, and runs the jobs.
 * Its hooks (security headers, CSRF, limits, its error handler) stay on its own routes.
 */
async function tenurePlugin(app: FastifyInstance, options: TenureOptions) {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const listeners = [...(options.listeners ?? [])];
  if (options.metrics) listeners.push(metricsListener(options.metrics));
  const core = await createCore({ ...options, clock, logger: app.log, listeners });
  if (options.metrics) wireSessionMetrics(options.metrics, core.database.db, clock, config);

  await app.register(authenticate, { sessions: core.sessions, clock });
  app.decorateReply(
    'confirmAuth',
    confirmAuthFor({ sessions: core.sessions, profiles: (id) => core.users.profile(id), config, clock }),
  );
  app.decorateReply(
    'startSession',
    startSessionFor({
      sessions: core.sessions,
      isPasswordUser: (userId) => core.users.isPasswordUser(userId),
      accounts: core.disabledUsers,
      geolocator: core.geolocator,
      cookie: core.cookie,
      config,
      clock,
    }),
  );
  await app.register(tenureRoutes, {
    core,
    passwordAuth: options.passwordAuth ?? true,
    metrics: options.metrics,
  });
  // Off (404) without ADMIN_API_TOKEN; on a port of its own with ADMIN_PORT.
  await app.register(adminPlugin, {
    prefix: ADMIN_PREFIX,
    config,
    store: core.store,
    sessions: core.sessions,
    disabledUsers: core.disabledUsers,
    events: core.events,
    clock,
  });

  core.activity.start();
  const webhooks = await setUpWebhooks({
    config,
    db: core.database.db,
    clock,
    log: app.log,
    deliver: options.jobs !== false,
    ...(options.metrics && { observer: options.metrics.webhooks }),
  });
  core.outcomes.subscribe(webhooks.listener);
  const schedule =
    options.jobs === false
      ? undefined
      : startCleanupSchedule({
          cron: config.cleanupCron,
          policy: config,
          clock,
          database: core.database,
          endings: core.sessions.endings,
          log: app.log,
          ...(options.metrics && { metrics: options.metrics }),
        });
  // Before requests drain: a running cleanup lets go between two batches.
  app.addHook('preClose', async () => {
    await schedule?.stop();
    await webhooks.stop();
  });
  app.addHook('onClose', async () => {
    await schedule?.stop();
    await webhooks.stop();
    await core.close();
  });
}

/** Tenure's own routes, in a context of their own so that none of their hooks reach the app's. */
async function tenureRoutes(
  app: FastifyInstance,
  { core, passwordAuth, metrics }: { core: Core; passwordAuth: boolean; metrics: Metrics | undefined },
) {
  const { config, clock, sessions, cookie: refreshCookie, geolocator } = core;
  await app.register(errorHandlerPlugin);
  await app.register(cookie);
  // HTTPS, headers, CORS, and the CSRF checks and limits that routes ask for in their config.
  await app.register(securityPlugin, {
    config,
    store: core.store,
    events: core.events,
    clock,
    sessions,
    refreshCookie,
    onLoginRateLimited: () => metrics?.login('rate_limited'),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tenure', version: '0.1.0', description: 'Sessions, devices and token refresh.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  const policy = { config, clock, geolocator, cookie: refreshCookie };
  await app.register(
    async (api) => {
      // Cross-origin callers of the API only: a preflight to the app's own routes is none of ours.
      await api.register(corsPlugin, { config });
      // POST /refresh and /logout may come without a body: validate them as `{}`.
      api.addHook('preValidation', async (request) => {
        if (request.body === undefined && request.method !== 'GET') request.body = {};
      });
      api.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });
      if (passwordAuth) {
        await api.register(authRoutes, { ...policy, auth: core.auth });
        await api.register(passwordRoutes, { auth: core.auth });
        await api.register(reauthRoutes, { auth: core.auth, config, clock });
      }
      await api.register(tokenRoutes, {
        ...policy,
        sessions,
        profiles: (id: string) => core.users.profile(id),
      });
      await api.register(sessionRoutes, {
        sessions,
        cookie: refreshCookie,
        reauthMaxAgeMs: config.reauthMaxAgeMs,
      });
      await api.register(securityEventRoutes, { repository: core.eventRepository });
      await api.register(revocationRoutes, { db: core.database.db, clock, config });
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      api.setNotFoundHandler((request, reply) =>
        reply
          .status(404)
          .send(
            toEnvelope(
              new TenureError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
            ),
          ),
      );
    },
    { prefix: '/api/auth' },
  );
  await app.register(jwksRoutes, { keyRing: core.keyRing });
}

export const tenure = fp(tenurePlugin, { name: 'tenure', fastify: '5.x' });
