/**
 * One Tenure server instance under test, in a process of its own so that the load generator
 * and the server do not share an event loop: an adopting app with the real `tenure` plugin,
 * the app's own routes, plus IPC commands for what must happen next to the database (seeding,
 * cleanup, probes).
 */
import type { AddressInfo } from 'node:net';
import type { Commands } from '../protocol.ts';
import { startActivityProbe, stopActivityProbe } from './activity-probe.ts';
import { buildAdopterApp } from './adopter-app.ts';
import { registerBenchRoutes } from './bench-routes.ts';
import { type BetterAuthPeer, setupBetterAuth } from './better-auth-peer.ts';
import { Fixtures } from './fixtures.ts';
import type { ServerHandles } from './handles.ts';
import { type Handlers, serveCommands } from './ipc.ts';
import {
  connectDatabase,
  createStore,
  KeyRing,
  loadConfig,
  runCleanup,
  systemClock,
} from './server-paths.ts';
import { TokenMemoryProbe } from './token-memory.ts';

const env = process.env;
const config = loadConfig({
  DATABASE_URL: env.DATABASE_URL,
  REDIS_URL: env.REDIS_URL,
  REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX,
  // Request logs off (warn and above only): a log line per request would measure pino, not us.
  LOG_LEVEL: 'warn',
  WEB_ROOT: 'none',
  COOKIE_SECURE: 'false',
  // As behind a local reverse proxy: the load generator plays many clients through
  // X-Forwarded-For, so per-IP rate limits stay on (and are paid for) without refusing it.
  TRUST_PROXY: 'loopback',
  // Seeded sessions must stay active (not idle) for however long a full run takes.
  INACTIVITY_TIMEOUT_MINUTES: '60',
});
// The child opens the database and the store and hands them to the app, keeping its own handle
// on the database for what it does next to the server (seeding, cleanup, probes); the app closes
// both when it closes.
const clock = systemClock;
const database = await connectDatabase(config.databaseUrl);
const store = await createStore({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, clock });
const app = await buildAdopterApp({ config, database, store, clock });
// After the plugin is registered: it has migrated the database and stored its signing key.
const keyRing = new KeyRing(database.db, clock, config.accessTokenTtlMs, config.jwtPrivateKey);
await keyRing.init();
const server: ServerHandles = { db: database.db, clock, config, keyRing };
const betterAuthDatabase = env.BENCH_BETTER_AUTH_DATABASE ?? 'none';
const peer: BetterAuthPeer | undefined =
  betterAuthDatabase === 'none' ? undefined : await setupBetterAuth(betterAuthDatabase);
registerBenchRoutes(app, peer);
await app.listen({ port: 0, host: '127.0.0.1' });

const fixtures = new Fixtures(server);
const tokenMemory = new TokenMemoryProbe(server);
const { db } = database;
let probeStartedAt = 0;

const handlers: Handlers<Commands> = {
  createSessions: ({ count }) => fixtures.createSessions(count),
  seedSessionsList: async ({ users }) => {
    const started = performance.now();
    const rows = await fixtures.seedSessionsList(users);
    return { rows, seconds: (performance.now() - started) / 1000 };
  },
  sessionsListTokens: ({ count, users }) => fixtures.sessionsListTokens(count, users),
  createLoginUsers: ({ count, password }) => fixtures.createLoginUsers(count, password),
  seedExpired: async ({ count, users }) => {
    const started = performance.now();
    await fixtures.seedExpired(count, users);
    return { seconds: (performance.now() - started) / 1000 };
  },
  runCleanup: async () => {
    const started = performance.now();
    // As the scheduled job runs it (batch size and pacing follow the kind of database). The job
    // also reports the expiry of what it deletes through the endings port; an expiry writes no
    // audit row, so leaving that port out here leaves out no database work.
    const result = await runCleanup(db, config, clock, { embedded: database.kind === 'pglite' });
    return {
      deleted: result.deleted,
      expiredUnobserved: result.expiredUnobserved,
      batches: result.batches,
      seconds: (performance.now() - started) / 1000,
    };
  },
  startActivityProbe: async () => {
    await startActivityProbe(db);
    probeStartedAt = performance.now();
    return null;
  },
  stopActivityProbe: ({ sessionIds }) =>
    stopActivityProbe(db, sessionIds, (performance.now() - probeStartedAt) / 1000),
  signingKey: () => tokenMemory.signingKey(),
  tokenMemoryStart: async ({ total }) => {
    tokenMemory.start(total);
    return null;
  },
  tokenMemoryBatch: ({ tokens }) => tokenMemory.batch(tokens),
  tokenMemoryEnd: async () => tokenMemory.end(),
  rss: async () => ({ rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024) }),
  betterAuthCookie: async () => peer?.cookie ?? null,
  close: async () => {
    await app.close();
    await peer?.close();
    return null;
  },
};

const address = app.server.address() as AddressInfo;
serveCommands(handlers, {
  ready: true,
  url: `http://127.0.0.1:${address.port}`,
  betterAuth: peer !== undefined,
});
