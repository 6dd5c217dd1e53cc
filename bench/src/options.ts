export interface BenchOptions {
  /** Fraction of the data sizes (1 = 1,000,000 sessions of 100,000 users). @default 1 */
  scale: number;
  /** Seconds of measured load per case. @default 10 */
  duration: number;
  /** Concurrent connections of the load generator. @default 50 */
  connections: number;
  /** Seconds of load before each measurement, discarded. @default 2 (smaller in quick runs) */
  warmup: number;
  /** Interleaved repetitions of each compared pair of cases (A B A B A B). @default 3 */
  reps: number;
  /** Where the JSON goes. @default bench/results/latest.json */
  output: string;
  /** Cases of earlier issues to leave out: activity, propagation, token-memory. @default none */
  skip: string[];
}

const USAGE = `npm run bench -- [--scale=1] [--duration=10] [--connections=50] [--warmup=2] [--reps=3]
  [--skip=activity,propagation,token-memory] [--output=results/latest.json]
  quick smoke run: npm run bench -- --scale=0.001 --duration=1`;

const SKIPPABLE = ['activity', 'propagation', 'token-memory'];

/**
 * Flags from argv; also from `npm_config_<flag>`, because `npm run bench -- --scale=…` at the
 * root hands the flags to the workspace's npm, which turns them into npm config variables.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const values = new Map<string, string>();
  for (const name of ['scale', 'duration', 'connections', 'warmup', 'reps', 'skip', 'output']) {
    const value = env[`npm_config_${name}`];
    if (value) values.set(name, value);
  }
  for (const arg of argv) {
    const match = /^--([a-z]+)=(.+)$/.exec(arg);
    if (!match?.[1] || match[2] === undefined) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    values.set(match[1], match[2]);
  }
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = values.get(name);
    values.delete(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`--${name} must be a number from ${min} to ${max}\n${USAGE}`);
    }
    return value;
  };
  const scale = number('scale', 1, 0.0001, 1);
  const duration = number('duration', 10, 0.5, 600);
  const connections = Math.round(number('connections', 50, 1, 1000));
  const warmup = number('warmup', Math.min(2, duration / 2), 0, 60);
  const reps = Math.round(number('reps', 3, 1, 20));
  const skip = (values.get('skip') ?? '').split(',').filter(Boolean);
  values.delete('skip');
  for (const name of skip) {
    if (!SKIPPABLE.includes(name)) throw new Error(`--skip takes ${SKIPPABLE.join(', ')}\n${USAGE}`);
  }
  // Only a full-scale run replaces the published results; quick runs go next to them.
  const defaultFile = scale === 1 ? '../results/latest.json' : '../results/tmp/latest.json';
  const output = values.get('output') ?? new URL(defaultFile, import.meta.url).pathname;
  values.delete('output');
  if (values.size > 0) throw new Error(`unknown option --${[...values.keys()][0]}\n${USAGE}`);
  return { scale, duration, connections, warmup, reps, output, skip };
}

/** Data sizes for a scale: the numbers at 1, never so small that a case measures nothing. */
export function sizes(scale: number) {
  const full = scale >= 0.1;
  return {
    listUsers: Math.max(100, Math.round(100_000 * scale)),
    expiredRows: Math.max(1_000, Math.round(1_000_000 * scale)),
    distinctTokens: Math.max(1_000, Math.round(1_000_000 * scale)),
    /** Sessions whose tokens the protected and me cases rotate over. */
    sessions: full ? 5_000 : 200,
    loginUsers: full ? 1_000 : 100,
    propagationSamples: full ? 200 : 20,
  };
}
