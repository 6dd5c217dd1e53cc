/**
 * `npm run bench`: Tenure's hot path, refresh, sessions list, login and cleanup against a bare
 * route and against better-auth, in one run, with every ratio taken against this run's own
 * baseline. Quick smoke run: `npm run bench -- --scale=0.001 --duration=1`.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import { relative } from 'node:path';
import { activityCase } from './cases/activity.ts';
import { cleanupCase } from './cases/cleanup.ts';
import type { BenchContext, CaseResult } from './cases/context.ts';
import { measure } from './cases/context.ts';
import {
  betterAuthCase,
  helloCases,
  loginBodies,
  loginCase,
  meCase,
  refreshCase,
  sessionsListCases,
} from './cases/http-cases.ts';
import { propagationCase } from './cases/propagation.ts';
import { tokenMemoryCase } from './cases/token-memory.ts';
import { type BenchEnvironment, prepareEnvironment } from './environment.ts';
import { ServerInstance } from './instance.ts';
import { runLoad } from './load.ts';
import { parseOptions, sizes } from './options.ts';
import type { ChildEnv } from './protocol.ts';
import { caseJson, type Extras, goals, printTable, withRatios, writeResults } from './report.ts';
import { round } from './stats.ts';

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
  const instances: ServerInstance[] = [];
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
    const context: BenchContext = { server, options, sizes: sizes(options.scale), log };
    const cases: CaseResult[] = [];
    const extras: Extras = {};

    // A freshly started server runs cold (JIT, pools, caches): warm it before the first case.
    log('warming the server up');
    await runLoad({
      url: server.url,
      path: '/bench/hello',
      connections: options.connections,
      seconds: options.warmup * 2,
    });
    const hello = await helloCases(context);
    cases.push(...hello.cases);
    extras.activity = await activityCase(context);
    cases.push(await meCase(context));
    cases.push(await refreshCase(context));
    const peer = await betterAuthCase(context);
    if (peer) cases.push(peer);
    else extras.betterAuth = { skipped: 'better-auth could not be set up in this run' };

    // Before the cleanup: a second instance starts against the same database and Redis.
    if (environment.redisUrl && environment.kind === 'postgres') {
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
    cases.push(...(await sessionsListCases(context, seeded.rows)));

    const bodies = await loginBodies(context);
    cases.push(await loginCase(context, bodies));
    extras.cleanup = await cleanupCase(context, bodies);
    cases.push(extras.cleanup.logins);
    extras.cleanup.logins.note = `logins while ${extras.cleanup.run.deleted.toLocaleString('en-US')} ended sessions were deleted in ${extras.cleanup.run.seconds.toFixed(1)} s`;

    extras.tokenMemory = await tokenMemoryCase(context);

    // A second baseline shows how much the machine drifted during the run.
    const end = await measure(context, 'baseline-end', { path: '/bench/hello', tokens: hello.tokens });
    const rated = withRatios(cases);
    const goalList = goals(rated, extras);
    console.log(`\n${printTable(rated, goalList, extras)}`);
    const baseline = rated.find((c) => c.name === 'baseline');
    const drift = baseline ? end.rps / baseline.rps : Number.NaN;
    console.log(
      `baseline drift over the run: ${round(drift, 3)}× (end ÷ start); load average ${loadAtStart[0]?.toFixed(2)} → ${loadavg()[0]?.toFixed(2)}`,
    );

    await writeResults(options.output, {
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGb: round(totalmem() / 1024 ** 3, 1),
        os: `${process.platform} ${release()}`,
        loadAvgStart: loadAtStart.map((v) => round(v, 2)),
        loadAvgEnd: loadavg().map((v) => round(v, 2)),
        baselineEndRps: round(end.rps, 1),
        baselineDrift: round(drift, 3),
        setup: 'server under test in a child process, autocannon in the parent; both on this machine',
      },
      node: process.version,
      database: environment.database,
      redis: environment.redis,
      // The output path relative to the repository: results never name the machine's folders.
      options: { ...options, output: relative(repoRoot, options.output) },
      durationSeconds: round((performance.now() - started) / 1000, 1),
      cases: rated.map(caseJson),
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
