import { loadavg } from 'node:os';
import type { ServerInstance } from '../instance.ts';
import { type LoadOptions, type LoadResult, runLoad } from '../load.ts';
import type { BenchOptions, sizes } from '../options.ts';

export interface BenchContext {
  server: ServerInstance;
  options: BenchOptions;
  sizes: ReturnType<typeof sizes>;
  log(line: string): void;
}

export interface CaseResult extends LoadResult {
  name: string;
  /** rps ÷ this run's baseline rps. */
  ratio?: number;
  /** One-minute load average of the machine before and after, to spot a disturbed case. */
  loadAvg: [number, number];
  note?: string;
}

/** Warm-up (discarded), then the measured run. */
export async function measure(
  context: BenchContext,
  name: string,
  load: Omit<LoadOptions, 'url' | 'seconds' | 'connections'> & { connections?: number },
): Promise<CaseResult> {
  const { options, server } = context;
  const base = { url: server.url, connections: options.connections, ...load };
  if (options.warmup > 0) await runLoad({ ...base, seconds: options.warmup });
  const before = loadavg()[0] ?? 0;
  const result = await runLoad({ ...base, seconds: options.duration });
  const measured = { name, ...result, loadAvg: [before, loadavg()[0] ?? 0] as [number, number] };
  context.log(
    `${name}: ${Math.round(result.rps)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.failures} failed${result.failedStatuses ? ` ${JSON.stringify(result.failedStatuses)}` : ''}`,
  );
  return measured;
}

export function withLoad(name: string, result: LoadResult, before: number, note?: string): CaseResult {
  return { name, ...result, loadAvg: [before, loadavg()[0] ?? 0], ...(note && { note }) };
}
