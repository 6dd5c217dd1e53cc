import { loadavg } from 'node:os';
import type { LoadResult } from '../load.ts';
import type { BenchContext, CaseResult } from './context.ts';

/** One side of an interleaved comparison: a measured run of `seconds`, as often as asked. */
export interface Contender {
  name: string;
  note?: string;
  run(seconds: number): Promise<LoadResult>;
}

/**
 * The machine is shared and noisy, so the cases a ratio compares are run in turns — A B A B A B
 * — after one discarded warm-up each, and each case reports the median of its repetitions.
 * Every case keeps its req/s per round (`rounds`), so a ratio is the median of the per-round
 * ratios: two cases measured seconds apart, never minutes.
 */
export async function interleave(
  context: BenchContext,
  group: string,
  contenders: Contender[],
): Promise<CaseResult[]> {
  const { options } = context;
  if (options.warmup > 0) for (const contender of contenders) await contender.run(options.warmup);
  const before = loadavg()[0] ?? 0;
  const results = new Map<string, LoadResult[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < options.reps; round++) {
    for (const contender of contenders) {
      // Requests still in flight when the previous run stopped (50 argon2 hashes, say) finish
      // before the next one starts.
      await settle();
      const result = await contender.run(options.duration);
      results.get(contender.name)?.push(result);
      context.log(
        `${group} round ${round + 1}: ${contender.name} ${Math.round(result.rps)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${result.failures ? `, ${result.failures} failed${result.failedStatuses ? ` ${JSON.stringify(result.failedStatuses)}` : ''}` : ''}`,
      );
    }
  }
  const after = loadavg()[0] ?? 0;
  return contenders.map((contender) => {
    const runs = results.get(contender.name) ?? [];
    return {
      name: contender.name,
      rps: median(runs.map((r) => r.rps)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      requests: runs.reduce((sum, r) => sum + r.requests, 0),
      failures: runs.reduce((sum, r) => sum + r.failures, 0),
      loadAvg: [before, after],
      group,
      rounds: runs.map((r) => r.rps),
      ...(contender.note && { note: contender.note }),
    };
  });
}

const SETTLE_MS = 1_000;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
