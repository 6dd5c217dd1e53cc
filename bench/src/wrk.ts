import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadResult } from './load.ts';

const run = promisify(execFile);

/** `wrk --version` answers (it exits 1 after printing its usage), or the reason it does not. */
export async function wrkAvailable(): Promise<true | string> {
  try {
    await run('wrk', ['--version']);
    return true;
  } catch (error) {
    const { code, stdout } = error as { code?: string | number; stdout?: string };
    if (typeof stdout === 'string' && stdout.startsWith('wrk ')) return true;
    return code === 'ENOENT'
      ? 'wrk is not installed (Debian: apt-get install wrk); bare-wrk was not measured'
      : `wrk did not run: ${String(error)}`;
  }
}

/** Requests prebuilt by the rotation script, cycled through by every wrk thread. */
const ROTATION = 1_000;

/**
 * Debian's `wrk` against one URL, with two threads (one per core of this machine). With
 * `tokens`, a Lua script formats one request per token once (`init`) and hands them out in turn
 * (`request`), so every request carries the next bearer token at almost no cost to wrk.
 * Latency percentiles come from its `--latency` distribution.
 */
export async function runWrk(options: {
  url: string;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  tokens?: string[];
}): Promise<LoadResult> {
  const headers = Object.entries(options.headers ?? {}).flatMap(([name, value]) => [
    '-H',
    `${name}: ${value}`,
  ]);
  const dir = options.tokens ? await mkdtemp(join(tmpdir(), 'tenure-bench-wrk-')) : undefined;
  try {
    const script = dir ? join(dir, 'rotate.lua') : undefined;
    if (script && options.tokens) await writeFile(script, rotationScript(options.tokens.slice(0, ROTATION)));
    const { stdout } = await run('wrk', [
      '-t2',
      `-c${options.connections}`,
      `-d${Math.max(1, Math.round(options.seconds))}s`,
      '--latency',
      ...headers,
      ...(script ? ['-s', script] : []),
      options.url,
    ]);
    return parseWrk(stdout);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

function rotationScript(tokens: string[]): string {
  return `local tokens = { ${tokens.map((t) => JSON.stringify(t)).join(', ')} }
local requests = {}
local i = 0
init = function(args)
  for k, token in ipairs(tokens) do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Authorization"] = "Bearer " .. token
    requests[k] = wrk.format(nil, nil, headers)
  end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
`;
}

/** The figures of wrk's report: requests, Requests/sec, the 50 % and 99 % latencies, errors. */
export function parseWrk(output: string): LoadResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(output)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  if (!Number.isFinite(rps) || !Number.isFinite(requests))
    throw new Error(`unreadable wrk output:\n${output}`);
  return {
    rps,
    p50Ms: latencyMs(output, '50%'),
    p99Ms: latencyMs(output, '99%'),
    requests,
    failures: non2xx + errors,
  };
}

function latencyMs(output: string, quantile: string): number {
  const match = new RegExp(`^\\s*${quantile}\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
  if (!match?.[1]) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}
