/**
 * `npm run bench`: what Tenure costs an adopting app, against a bare Fastify process (the
 * ceiling, also driven by wrk), against the same database work done with `pg` directly, a naive
 * rotation, argon2 alone and better-auth, in one run; each ratio from interleaved repetitions.
 * Quick smoke run: `npm run bench -- --scale=0.001 --duration=1`.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import { relative } from 'node:path';
import { activityCase } from './cases/activity.ts';
import { cleanupCase } from './cases/cleanup.ts';
import type { BenchContext, CaseResult } from './cases/context.ts';
import {
  helloCases,
  loginBodies,
  loginCases,
  meCases,
  refreshCases,
  sessionsListCases,
} from './cases/http-cases.ts';
import { propagationCase } from './cases/propagation.ts';
import { tokenMemoryCase } from './cases/token-memory.ts';
import { type BenchEnvironment, prepareEnvironment } from './environment.ts';
import { ServerInstance } from './instance.ts';
import { runLoad } from './load.ts';
import { parseOptions, sizes } from './options.ts';
import type { ChildEnv } from './protocol.ts';
import { caseJson, type Extras, goals, printTable, writeResults } from './report.ts';
import { round } from './stats.ts';
import { wrkAvailable } from './wrk.ts';

const options = parseOptions(process.argv.slice(2), process.env);
const started = performance.now();
const log = (line: string) => {
  process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
};

function childEnv(environment: BenchEnvironment, withBetterAuth: boolean): ChildEnv {
  return {
    DATABASE_URL: environment.databaseUrl,
    REDIS_URL: environment.redisUrl,
    REDIS_KEY_PREFIX: environment.redisKeyPrefix,
    BENCH_BETTER_AUTH_DATABASE: withBetterAuth ? environment.betterAuthDatabase : 'none',
  };
}

/** Stops the servers and removes this run's database and keys, once (also on Ctrl-C). */
let shutdown: (() => Promise<void>) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void (shutdown?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const repoRoot = new URL('../..', import.meta.url).pathname;

async function main() {
  const environment = await prepareEnvironment(process.env);
  log(`database: ${environment.database}`);
  log(`redis: ${environment.redis}`);
  const loadAtStart = loadavg();
  const instances: Array<{ close(): Promise<void> }> = [];
  let stopping: Promise<void> | undefined;
  shutdown = () => {
    stopping ??= (async () => {
      for (const instance of instances.reverse()) await instance.close().catch(() => {});
      await environment.teardown().catch((error: unknown) => log(`teardown failed: ${String(error)}`));
    })();
    return stopping;
  };
  try {
    const server = await ServerInstance.start(childEnv(environment, true));
    instances.push(server);
    // The pg anchors and the naive rotation share Tenure's database: PostgreSQL runs only.
    const anchors = environment.kind === 'postgres';
    const bare = await ServerInstance.startBare({
      BENCH_PG_URL: anchors ? environment.databaseUrl : 'none',
      REDIS_URL: environment.redisUrl,
      REDIS_KEY_PREFIX: environment.redisKeyPrefix,
      BENCH_SIGNING_KEY: JSON.stringify(anchors ? await server.call('signingKey', {}) : null),
    });
    instances.push(bare);
    const wrk = await wrkAvailable();
    const context: BenchContext = { server, bare, wrk, options, sizes: sizes(options.scale), log };
    const cases: CaseResult[] = [];
    const extras: Extras = {};
    if (wrk !== true) extras.wrk = { skipped: wrk };
    if (!anchors)
      extras.anchors = { skipped: 'the pg anchors and the naive rotation need a PostgreSQL DATABASE_URL' };
    const skipped = (name: string) => options.skip.includes(name);

    // Freshly started servers run cold (JIT, pools, caches): warm both before the first case.
    // Tenure's own API is warmed too, as it is in use in any adopting app: its first request
    // turns on the request-scope AsyncLocalStorage, whose promise hooks every request pays after.
    log('warming the servers up');
    const warm = { connections: options.connections, seconds: options.warmup * 2 };
    await runLoad({ url: server.url, path: '/api/auth/config', ...warm });
    for (const url of [server.url, bare.url]) await runLoad({ url, path: '/bench/hello', ...warm });
    const hello = await helloCases(context);
    cases.push(...hello.cases);
    if (!cases.some((c) => c.name === 'better-auth-get-session'))
      extras.betterAuth = { skipped: 'better-auth could not be set up in this run' };
    if (!skipped('activity')) extras.activity = await activityCase(context);
    cases.push(...(await meCases(context, anchors)));
    cases.push(...(await refreshCases(context, anchors)));

    // Before the cleanup: a second instance starts against the same database and Redis.
    if (skipped('propagation')) {
      extras.propagation = { skipped: 'left out of this run (--skip=propagation)' };
    } else if (environment.redisUrl && environment.kind === 'postgres') {
      const b = await ServerInstance.start(childEnv(environment, false));
      instances.push(b);
      extras.propagation = await propagationCase(context, server, b);
      await b.close();
    } else {
      extras.propagation = {
        skipped:
          'needs REDIS_URL and a PostgreSQL DATABASE_URL (two instances cannot share PGlite or a MemoryStore)',
      };
    }

    log(`seeding ${context.sizes.listUsers * 10} sessions of ${context.sizes.listUsers} users by SQL`);
    const seeded = await server.call('seedSessionsList', { users: context.sizes.listUsers });
    extras.seeding = { rows: seeded.rows, seconds: round(seeded.seconds, 1) };
    log(`seeded in ${seeded.seconds.toFixed(1)} s`);
    cases.push(...(await sessionsListCases(context, seeded.rows, anchors)));

    const bodies = await loginBodies(context);
    cases.push(...(await loginCases(context, bodies)));
    extras.cleanup = await cleanupCase(context, bodies);
    cases.push(extras.cleanup.logins);
    extras.cleanup.logins.note = `logins while ${extras.cleanup.run.deleted.toLocaleString('en-US')} ended sessions were deleted in ${extras.cleanup.run.seconds.toFixed(1)} s`;

    if (!skipped('token-memory')) extras.tokenMemory = await tokenMemoryCase(context);

    // The bare route once more shows how much the machine drifted during the run.
    const end = await runLoad({
      url: bare.url,
      path: '/bench/hello',
      tokens: hello.tokens,
      connections: options.connections,
      seconds: options.duration,
    });
    const goalList = goals(cases, extras);
    console.log(`\n${printTable(cases, goalList, extras)}`);
    const start = cases.find((c) => c.name === 'bare');
    const drift = start ? end.rps / start.rps : Number.NaN;
    console.log(
      `bare drift over the run: ${round(drift, 3)}× (end ÷ start); load average ${loadAtStart[0]?.toFixed(2)} → ${loadavg()[0]?.toFixed(2)}`,
    );

    await writeResults(options.output, {
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGb: round(totalmem() / 1024 ** 3, 1),
        os: `${process.platform} ${release()}`,
        loadAvgStart: loadAtStart.map((v) => round(v, 2)),
        loadAvgEnd: loadavg().map((v) => round(v, 2)),
        bareEndRps: round(end.rps, 1),
        bareDrift: round(drift, 3),
        setup:
          'Tenure (as a plugin in an adopting app) and a bare Fastify process each in a child process; autocannon and wrk in or from the parent; all on this machine',
        ratios: `interleaved repetitions: each group of compared cases runs in turns (A B A B …) ${options.reps} times after one warm-up each; a case's figures are the medians of its rounds, a ratio the median of its per-round ratios`,
      },
      node: process.version,
      database: environment.database,
      redis: environment.redis,
      // The output path relative to the repository: results never name the machine's folders.
      options: { ...options, output: relative(repoRoot, options.output) },
      durationSeconds: round((performance.now() - started) / 1000, 1),
      cases: cases.map((c) => caseJson(c, cases)),
      goals: goalList,
      extras,
    });
    log(`wrote ${options.output}`);
  } finally {
    await shutdown();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
