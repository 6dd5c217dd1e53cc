/**
 * The ceiling and the floors, in a process of their own with nothing of Tenure in the request
 * path: the hello route on a bare Fastify (`bare`, `bare-wrk`), the sessions-list and `/me`
 * queries with `pg` directly (`pg-list-anchor`, `pg-me-anchor`), the naive rotation
 * (`naive-refresh-anchor`), and argon2 by itself (`argon2-anchor`, over IPC).
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import pg from 'pg';
import type { BareCommands, SigningKey } from '../protocol.ts';
import { argon2Rate } from './argon2-rate.ts';
import { registerHello } from './hello.ts';
import { type Handlers, serveCommands } from './ipc.ts';
import { registerNaiveRefresh } from './naive-refresh.ts';
import { registerPgAnchors } from './pg-anchors.ts';
import { createGeolocator, createStore, systemClock } from './server-paths.ts';

const env = process.env;
const app = Fastify({ logger: { level: 'warn' }, trustProxy: 'loopback' });
registerHello(app);

// The anchors read Tenure's bench database, which only a PostgreSQL run can share between processes.
const pgUrl = env.BENCH_PG_URL ?? 'none';
const pool = pgUrl === 'none' ? undefined : new pg.Pool({ connectionString: pgUrl, max: 10 });
const store = pool
  ? await createStore({
      redisUrl: env.REDIS_URL ?? '',
      keyPrefix: `${env.REDIS_KEY_PREFIX ?? ''}naive:`,
      clock: systemClock,
    })
  : undefined;
const geolocator = pool ? await createGeolocator() : undefined;
if (pool && store && geolocator) {
  // The Tenure child's INACTIVITY_TIMEOUT_MINUTES.
  registerPgAnchors(app, pool, 60 * 60_000);
  const key = JSON.parse(env.BENCH_SIGNING_KEY ?? 'null') as SigningKey | null;
  if (key) await registerNaiveRefresh(app, { pool, store, geolocator, key });
}
await app.listen({ port: 0, host: '127.0.0.1' });

const handlers: Handlers<BareCommands> = {
  argon2Rate,
  close: async () => {
    await app.close();
    await pool?.end();
    await store?.close();
    await geolocator?.close?.();
    return null;
  },
};

const address = app.server.address() as AddressInfo;
serveCommands(handlers, { ready: true, url: `http://127.0.0.1:${address.port}`, betterAuth: false });
