import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { DisabledUserRepository } from './admin/disabled-user-repository.ts';
import { DisabledUsers } from './admin/disabled-users.ts';
import { AuthService } from './auth/auth-service.ts';
import { UserRepository } from './auth/user-repository.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { connectDatabase, type DatabaseHandle } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createGeolocator, type Geolocator } from './devices/index.ts';
import { LoginThrottle } from './security/login-throttle.ts';
import { auditListener } from './security-events/audit-log.ts';
import { SecurityEventRepository } from './security-events/security-event-repository.ts';
import { SecurityEvents } from './security-events/security-events.ts';
import { ActivityTracker } from './sessions/activity.ts';
import { DENY_MARGIN_MS } from './sessions/endings.ts';
import { OutcomeBus, type OutcomeListener } from './sessions/outcomes.ts';
import { RefreshCookie } from './sessions/refresh-cookie.ts';
import { SessionRepository } from './sessions/session-repository.ts';
import { SessionService } from './sessions/session-service.ts';
import { createStore } from './store/index.ts';
import type { Store } from './store/store.ts';
import { AccessTokens } from './tokens/access-token.ts';
import { getOrCreateSecret } from './tokens/server-secrets.ts';
import { KeyRing } from './tokens/signing-keys.ts';

export interface CoreOptions {
  config: Readonly<Config>;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** An open database; when absent one is opened from DATABASE_URL (and closed with the core). */
  database?: DatabaseHandle;
  /** A store; when absent one is made from REDIS_URL (and closed with the core). */
  store?: Store;
  geolocator?: Geolocator;
  /** Hear every session outcome (metrics, webhooks, an app's own). The audit log always does. */
  listeners?: OutcomeListener[];
}

/**
 * The composition root: opens what Tenure runs on, builds each capability with what it needs,
 * and hands the parts to the plugins that mount them. Nothing receives the whole of it.
 */
export async function createCore(options: CoreOptions) {
  const { config, clock, logger } = options;
  const database = options.database ?? (await connectDatabase(config.databaseUrl));
  let store: Store | undefined = options.store;
  try {
    await migrate(database, config.databaseUrl);
    store ??= await createStore({
      redisUrl: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      logger,
      clock,
    });
    return await assemble(options, database, store, async () => {
      if (!options.store) await store?.close();
      if (!options.database) await database.close();
    });
  } catch (error) {
    if (!options.store) await store?.close().catch(() => {});
    if (!options.database) await database.close().catch(() => {});
    throw error;
  }
}

export type Core = Awaited<ReturnType<typeof createCore>>;

/**
 * Migrations on PostgreSQL run on a connection of their own without the per-query time limit
 * that protects requests: a migration that rewrites a large table takes as long as it takes.
 */
async function migrate(database: DatabaseHandle, url: string): Promise<void> {
  if (database.kind !== 'postgres') {
    await migrateToLatest(database.db);
    return;
  }
  const unlimited = await connectDatabase(url, { queryTimeoutMs: 0 });
  try {
    await migrateToLatest(unlimited.db);
  } finally {
    await unlimited.close();
  }
}

async function assemble(
  options: CoreOptions,
  database: DatabaseHandle,
  store: Store,
  release: () => Promise<void>,
) {
  const { config, clock, logger } = options;
  const { db } = database;
  const geolocator = options.geolocator ?? (await createGeolocator({ apiKey: config.ipGeolocationApiKey }));
  const keyRing = new KeyRing(db, clock, config.accessTokenTtlMs, config.jwtPrivateKey);
  await keyRing.init();
  const refreshSecret = await getOrCreateSecret(db, 'refresh_token_hmac', () =>
    randomBytes(32).toString('base64url'),
  );

  const repository = new SessionRepository(db, config);
  const users = new UserRepository(db);
  const eventRepository = new SecurityEventRepository(db);
  const events = new SecurityEvents(eventRepository, logger);
  const outcomes = new OutcomeBus((error, outcome) =>
    logger.error({ err: error, outcome: outcome.type }, 'a session outcome listener failed'),
  );
  const now = () => clock.now();
  outcomes.subscribe(auditListener(events, now));
  for (const listener of options.listeners ?? []) outcomes.subscribe(listener);

  const activity = new ActivityTracker(repository, store, clock, config.activityWriteIntervalMs, (error) =>
    logger.warn({ err: error }, 'could not write session activity'),
  );
  const accessTokens = new AccessTokens({
    keyRing,
    clock,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    maxLifetimeMs: config.accessTokenTtlMs,
  });
  const sessions = new SessionService({
    policy: config,
    clock,
    repository,
    store,
    activity,
    accessTokens,
    outcomes,
    history: eventRepository,
    refreshSecret,
  });
  const throttle = config.rateLimits ? new LoginThrottle(store) : null;
  const disabledUsers = new DisabledUsers({
    repository: new DisabledUserRepository(db),
    endings: sessions.endings,
    clock,
  });
  const auth = new AuthService({ users, sessions, outcomes, throttle, accounts: disabledUsers, clock });

  // A restart must not forget sign-outs whose access tokens are still unexpired.
  const ttlMs = config.accessTokenTtlMs + DENY_MARGIN_MS;
  const recentlyRevoked = await repository.findRecentlyRevoked(new Date(clock.now() - ttlMs));
  await Promise.all(recentlyRevoked.map((row) => store.denySession(row.session_id, clock.now() + ttlMs)));

  return {
    config,
    clock,
    database,
    store,
    geolocator,
    keyRing,
    users,
    sessions,
    activity,
    auth,
    disabledUsers,
    events,
    eventRepository,
    outcomes,
    cookie: new RefreshCookie(config),
    /** Stops the activity timer (writing what is pending) and closes what the core opened. */
    async close() {
      await activity.stop();
      await geolocator.close?.();
      await release();
    },
  };
}
