import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ActivityResult } from './cases/activity.ts';
import type { CleanupResult } from './cases/cleanup.ts';
import type { CaseResult } from './cases/context.ts';
import { median } from './cases/interleave.ts';
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
  wrk?: { skipped: string };
  anchors?: { skipped: string };
}

export interface Goal {
  goal: string;
  value: string;
  met: boolean;
  note?: string;
}

/**
 * a ÷ b in req/s. Cases of one interleaved group are compared round by round (the median of the
 * per-round ratios); cases of different groups by their medians.
 */
export function ratio(cases: CaseResult[], a: string, b: string): number | undefined {
  const x = cases.find((c) => c.name === a);
  const y = cases.find((c) => c.name === b);
  if (!x || !y) return undefined;
  const xs = x.rounds;
  const ys = y.rounds;
  if (x.group && x.group === y.group && xs && ys && xs.length === ys.length) {
    return median(xs.map((value, i) => value / (ys[i] ?? Number.NaN)));
  }
  return x.rps / y.rps;
}

/** What every ratio is quoted beside: the ceiling as autocannon and as wrk measured it. */
function ceiling(cases: CaseResult[]): string {
  const rps = (name: string) => cases.find((c) => c.name === name)?.rps;
  const fmt = (value: number | undefined) =>
    value === undefined ? 'n/a' : Math.round(value).toLocaleString('en-US');
  return `bare ${fmt(rps('bare'))} req/s, wrk ${fmt(rps('bare-wrk'))} req/s`;
}

export function goals(cases: CaseResult[], extras: Extras): Goal[] {
  const list: Goal[] = [];
  const atLeast = (goal: string, a: string, b: string, min: number) => {
    const value = ratio(cases, a, b);
    if (value === undefined) return;
    list.push({
      goal: `${a} ÷ ${b} ≥ ${min}`,
      value: `${round(value, 3)} (${ceiling(cases)})`,
      met: value >= min,
      ...(goal && { note: goal }),
    });
  };
  atLeast('the load generator is not the ceiling', 'bare', 'bare-wrk', 0.8);
  atLeast('', 'adopter-protected', 'bare', 0.75);
  atLeast('', 'adopter-open', 'bare', 0.9);
  atLeast('', 'sessions-list', 'pg-list-anchor', 0.6);
  atLeast('', 'me', 'pg-me-anchor', 0.6);
  atLeast('', 'refresh', 'naive-refresh-anchor', 1.3);
  atLeast('', 'adopter-protected', 'better-auth-get-session', 20);
  atLeast('the hash is the floor', 'login', 'argon2-anchor', 0.8);
  const p99 = (name: string) => cases.find((c) => c.name === name)?.p99Ms;
  const list99 = p99('sessions-list');
  const single99 = p99('sessions-list-1conn');
  if (single99 !== undefined) {
    list.push({
      goal: 'sessions-list p99 < 5 ms at one connection',
      value: `${round(single99)} ms`,
      met: single99 < 5,
    });
  }
  if (list99 !== undefined) {
    list.push({
      goal: 'sessions-list p99 < 50 ms at 50 connections',
      value: `${round(list99)} ms`,
      met: list99 < 50,
    });
  }
  const { cleanup, activity, tokenMemory, propagation } = extras;
  const login99 = p99('login');
  if (cleanup) {
    const rate = cleanup.run.deleted / cleanup.run.seconds;
    list.push({
      goal: 'cleanup of 1,000,000 rows ≤ 30 s',
      value: `${round(cleanup.run.seconds, 1)} s for ${cleanup.run.deleted.toLocaleString('en-US')} rows (${Math.round(rate).toLocaleString('en-US')} rows/s → ${round(1_000_000 / rate, 1)} s per million)`,
      met: 1_000_000 / rate <= 30,
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
  const header = ['case', 'req/s', 'p50 ms', 'p99 ms', '× bare', 'failures', 'notes'];
  const rows = cases.map((c) => [
    c.name,
    Math.round(c.rps).toLocaleString('en-US'),
    c.p50Ms.toFixed(2),
    c.p99Ms.toFixed(2),
    ratio(cases, c.name, 'bare')?.toFixed(3) ?? '',
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
export function caseJson(c: CaseResult, cases: CaseResult[]) {
  const xBare = ratio(cases, c.name, 'bare');
  return {
    name: c.name,
    rps: round(c.rps, 1),
    p50Ms: round(c.p50Ms, 3),
    p99Ms: round(c.p99Ms, 3),
    ...(c.group && { group: c.group }),
    ...(c.rounds && { roundsRps: c.rounds.map((v) => round(v, 1)) }),
    ...(xBare !== undefined && { xBare: round(xBare, 4) }),
    requests: c.requests,
    failures: c.failures,
    loadAvg: c.loadAvg.map((v) => round(v, 2)),
    ...(c.note && { note: c.note }),
  };
}
