import { loadavg } from 'node:os';
import type { ServerInstance } from '../instance.ts';
import type { LoadResult } from '../load.ts';
import type { BenchOptions, sizes } from '../options.ts';
import type { BareCommands } from '../protocol.ts';

export interface BenchContext {
  /** Tenure, mounted as a plugin in an adopting app. */
  server: ServerInstance;
  /** Bare Fastify with the anchors: nothing of Tenure in its request path. */
  bare: ServerInstance<BareCommands>;
  /** `true`, or why `wrk` cannot run here. */
  wrk: true | string;
  options: BenchOptions;
  sizes: ReturnType<typeof sizes>;
  log(line: string): void;
}

export interface CaseResult extends LoadResult {
  name: string;
  /** The interleaved group it was measured in (see interleave.ts). */
  group?: string;
  /** req/s of each interleaved round, in order. */
  rounds?: number[];
  /** One-minute load average of the machine before and after, to spot a disturbed case. */
  loadAvg: [number, number];
  note?: string;
}

export function withLoad(name: string, result: LoadResult, before: number, note?: string): CaseResult {
  return { name, ...result, loadAvg: [before, loadavg()[0] ?? 0], ...(note && { note }) };
}
