import Fastify, { type FastifyInstance } from 'fastify';
import type { Clock, Config, DatabaseHandle, Store } from './server-paths.ts';
import { tenure } from './server-paths.ts';

/**
 * An app that adopts Tenure the way docs/adopting.md shows: its own Fastify instance, Tenure
 * registered as a plugin, the app's routes next to it. Tenure gets the database and store the
 * bench child opened (so the child can seed and probe next to it) and the app closes them.
 */
export async function buildAdopterApp(options: {
  config: Readonly<Config>;
  database: DatabaseHandle;
  store: Store;
  clock: Clock;
}): Promise<FastifyInstance> {
  const { config, database, store, clock } = options;
  const app = Fastify({
    logger: { level: config.logLevel },
    // As the child's TRUST_PROXY: the load generator plays many clients through X-Forwarded-For.
    trustProxy: 'loopback',
    pluginTimeout: 60_000,
  });
  app.addHook('onClose', async () => {
    await store.close();
    await database.close();
  });
  // No jobs: the cleanup runs when the cleanup case asks for it, never in the middle of a case.
  await app.register(tenure, { config, database, store, clock, jobs: false });
  return app;
}
