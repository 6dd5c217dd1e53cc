import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

/** Where this run's data lives, described for the report, and how to remove it afterwards. */
export interface BenchEnvironment {
  kind: 'postgres' | 'pglite';
  /** e.g. "PostgreSQL 15.20 at 127.0.0.1:5432, database tenure_bench_1a2b3c4d (dropped after)". */
  database: string;
  redis: string;
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  /** Where better-auth keeps its tables: `postgres://…`, or `pglite` (embedded, in memory). */
  betterAuthDatabase: string;
  teardown(): Promise<void>;
}

/**
 * With `DATABASE_URL`/`REDIS_URL` (postgres://, redis://): a fresh database `tenure_bench_<random>`
 * (and one for better-auth) on that server, and a random Redis key prefix, all removed after.
 * Without: the embedded default — PGlite in a temporary folder and the in-process store.
 */
export async function prepareEnvironment(env: NodeJS.ProcessEnv): Promise<BenchEnvironment> {
  const id = randomBytes(4).toString('hex');
  const redisUrl = env.REDIS_URL?.trim() ?? '';
  const redisKeyPrefix = `tenure-bench-${id}:`;
  const redis = redisUrl
    ? `Redis at ${new URL(redisUrl).host}, key prefix ${redisKeyPrefix} (deleted after)`
    : 'none: in-process MemoryStore (REDIS_URL unset)';
  const teardownRedis = () => (redisUrl ? deleteKeys(redisUrl, redisKeyPrefix) : Promise.resolve());

  const adminUrl = env.DATABASE_URL?.trim() ?? '';
  if (/^postgres(ql)?:\/\//.test(adminUrl)) {
    const name = `tenure_bench_${id}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const version =
      (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.query(`CREATE DATABASE ${name}_better_auth`);
    await admin.end();
    const url = new URL(adminUrl);
    return {
      kind: 'postgres',
      database: `PostgreSQL ${version} at ${url.host}, database ${name} (dropped after)`,
      redis,
      databaseUrl: withDatabase(adminUrl, name),
      redisUrl,
      redisKeyPrefix,
      betterAuthDatabase: withDatabase(adminUrl, `${name}_better_auth`),
      async teardown() {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.query(`DROP DATABASE IF EXISTS ${name}_better_auth WITH (FORCE)`);
        await client.end();
        await teardownRedis();
      },
    };
  }

  const dir = await mkdtemp(join(tmpdir(), 'tenure-bench-'));
  return {
    kind: 'pglite',
    database: `embedded PGlite (DATABASE_URL unset) in ${dir} (removed after)`,
    redis,
    databaseUrl: `file://${dir}`,
    redisUrl,
    redisKeyPrefix,
    betterAuthDatabase: 'pglite',
    async teardown() {
      await rm(dir, { recursive: true, force: true });
      await teardownRedis();
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}
