import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ActivityResult } from './cases/activity.ts';
import type { CleanupResult } from './cases/cleanup.ts';
import type { CaseResult } from './cases/context.ts';
import type { PropagationResult } from './cases/propagation.ts';
import type { TokenMemory } from './protocol.ts';
import { round } from './stats.ts';

export interface Extras {
  activity?: ActivityResult;
  tokenMemory?: TokenMemory;
  cleanup?: CleanupResult;
  propagation?: PropagationResult | { skipped: string };
  seeding?: { rows: number; seconds: number };
  betterAuth?: { skipped: string };
}

export interface Goal {
  goal: string;
  value: string;
  met: boolean;
}

/** Ratios against this run's baseline (the first one; a second one at the end shows drift). */
export function withRatios(cases: CaseResult[]): CaseResult[] {
  const baseline = cases.find((c) => c.name === 'baseline')?.rps ?? Number.NaN;
  return cases.map((c) => ({ ...c, ratio: c.rps / baseline }));
}

export function goals(cases: CaseResult[], extras: Extras): Goal[] {
  const rps = (name: string) => cases.find((c) => c.name === name)?.rps;
  const list: Goal[] = [];
  const ratio = (goal: string, a: string, b: string, min: number) => {
    const x = rps(a);
    const y = rps(b);
    if (x !== undefined && y !== undefined)
      list.push({ goal, value: `${round(x / y, 3)}`, met: x / y >= min });
  };
  ratio('protected ÷ baseline ≥ 0.75', 'protected', 'baseline', 0.75);
  ratio('protected ÷ better-auth-get-session ≥ 20', 'protected', 'better-auth-get-session', 20);
  ratio('refresh ÷ baseline ≥ 0.05', 'refresh', 'baseline', 0.05);
  const list99 = cases.find((c) => c.name === 'sessions-list')?.p99Ms;
  const single99 = cases.find((c) => c.name === 'sessions-list-1conn')?.p99Ms;
  if (list99 !== undefined && single99 !== undefined) {
    list.push({
      goal: 'sessions-list p99 < 5 ms',
      value: `${round(single99)} ms with one connection (${round(list99)} ms at full concurrency, mostly queueing)`,
      met: single99 < 5,
    });
  }
  const { cleanup, activity, tokenMemory, propagation } = extras;
  const login99 = cases.find((c) => c.name === 'login')?.p99Ms;
  if (cleanup) {
    const rate = cleanup.run.deleted / cleanup.run.seconds;
    list.push({
      goal: 'cleanup of 1,000,000 rows < 60 s',
      value: `${round(cleanup.run.seconds, 1)} s for ${cleanup.run.deleted.toLocaleString('en-US')} rows (${Math.round(rate).toLocaleString('en-US')} rows/s → ${round(1_000_000 / rate, 1)} s per million)`,
      met: 1_000_000 / rate < 60,
    });
    if (login99 !== undefined) {
      const increase = cleanup.logins.p99Ms / login99 - 1;
      list.push({
        goal: 'login p99 during cleanup within +20 %',
        value: `${round(cleanup.logins.p99Ms, 1)} ms vs ${round(login99, 1)} ms (${increase >= 0 ? '+' : ''}${round(increase * 100, 1)} %)`,
        met: increase <= 0.2,
      });
    }
  }
  if (activity) {
    list.push({
      goal: '≤ 1 last_active write per session per minute',
      value: `${round(activity.writesPerSessionPerMinute, 3)} per session per minute (max ${activity.maxPerSessionPerMinute} in any 60 s) over ${round(activity.windowSeconds, 0)} s, ${activity.requests.toLocaleString('en-US')} requests`,
      met: activity.maxPerSessionPerMinute <= 1,
    });
  }
  if (tokenMemory) {
    const steps = tokenMemory.rssStepsMb;
    const lateGrowth = (steps.at(-1) ?? 0) - (steps[4] ?? steps[0] ?? 0);
    list.push({
      goal: 'RSS growth bounded by the cache size',
      value: `${tokenMemory.rssBeforeMb} → ${tokenMemory.rssAfterMb} MB after ${tokenMemory.tokens.toLocaleString('en-US')} tokens; cache ${tokenMemory.cacheEntries.toLocaleString('en-US')}/${tokenMemory.cacheMax.toLocaleString('en-US')}; +${lateGrowth} MB over the second half`,
      met: tokenMemory.cacheEntries <= tokenMemory.cacheMax && lateGrowth <= 20,
    });
  }
  if (propagation && 'p99Ms' in propagation) {
    list.push({
      goal: 'revocation propagation p99 < 100 ms',
      value: `p50 ${round(propagation.p50Ms)} ms, p99 ${round(propagation.p99Ms)} ms (${propagation.samples} samples, ${propagation.missed} missed)`,
      met: propagation.p99Ms < 100 && propagation.missed === 0,
    });
  }
  return list;
}

export function printTable(cases: CaseResult[], goalList: Goal[], extras: Extras): string {
  const header = ['case', 'req/s', 'p50 ms', 'p99 ms', '× baseline', 'failures', 'notes'];
  const rows = cases.map((c) => [
    c.name,
    Math.round(c.rps).toLocaleString('en-US'),
    c.p50Ms.toFixed(2),
    c.p99Ms.toFixed(2),
    c.ratio === undefined ? '' : c.ratio.toFixed(3),
    String(c.failures),
    c.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), ''];
  for (const goal of goalList) out.push(`${goal.met ? 'MET   ' : 'MISSED'} ${goal.goal}: ${goal.value}`);
  for (const [name, value] of Object.entries(extras)) {
    if (value && 'skipped' in value) out.push(`SKIPPED ${name}: ${value.skipped}`);
  }
  return out.join('\n');
}

export async function writeResults(path: string, report: object): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

/** The JSON shape the issue asks for, rounded for reading, plus what explains it. */
export function caseJson(c: CaseResult) {
  return {
    name: c.name,
    rps: round(c.rps, 1),
    p50Ms: round(c.p50Ms, 3),
    p99Ms: round(c.p99Ms, 3),
    ratio: c.ratio === undefined ? null : round(c.ratio, 4),
    requests: c.requests,
    failures: c.failures,
    loadAvg: c.loadAvg.map((v) => round(v, 2)),
    ...(c.note && { note: c.note }),
  };
}
