/**
 * Geolocation and device-parsing throughput: how much a sign-in pays for "where" and "what".
 * Run: node --import tsx bench/src/geo-bench.ts [lookups]   (default 1,000,000 random public IPv4s)
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createOfflineGeolocator, describeDevice, ipScope } from '../../packages/server/src/devices/index.ts';

const LOOKUPS = Number(process.argv[2] ?? 1_000_000);
const PARSES = 200_000;

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

/** Deterministic (seeded) so runs are comparable. */
function* randomPublicIpv4(seed: number): Generator<string> {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const ip = `${state >>> 24}.${(state >>> 16) & 255}.${(state >>> 8) & 255}.${state & 255}`;
    if (ipScope(ip) === 'public') yield ip;
  }
}

function rate(count: number, { wallMs, cpuMs }: { wallMs: number; cpuMs: number }): string {
  const perSecond = Math.round((count / wallMs) * 1000).toLocaleString('en-US');
  const perSecondCpu = Math.round((count / cpuMs) * 1000).toLocaleString('en-US');
  return `${perSecond}/s wall, ${perSecondCpu}/s per CPU-second (${((cpuMs * 1000) / count).toFixed(2)} µs CPU each)`;
}

const loadStart = performance.now();
const geolocator = await createOfflineGeolocator();
const loadMs = performance.now() - loadStart;

const ips: string[] = [];
for (const ip of randomPublicIpv4(42)) {
  ips.push(ip);
  if (ips.length === LOOKUPS) break;
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** Wall and CPU time: on a shared, loaded machine CPU time is the steadier of the two. */
function time(run: () => void): Timing {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  run();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
}

async function timeAsync(run: () => Promise<void>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
}

let found = 0;
for (let i = 0; i < 10_000; i++) geolocator.lookup(ips[i % ips.length] ?? null); // warm-up
const sync = time(() => {
  for (const ip of ips) if (geolocator.lookup(ip) !== null) found++;
});

const asyncCount = Math.min(ips.length, 200_000);
const asynchronous = await timeAsync(async () => {
  for (let i = 0; i < asyncCount; i++) await geolocator.locate(ips[i] ?? null);
});

const ua = (i: number) => USER_AGENTS[i % USER_AGENTS.length] ?? '';
for (let i = 0; i < 5_000; i++) describeDevice({ 'user-agent': ua(i) }); // warm-up
const parse = time(() => {
  for (let i = 0; i < PARSES; i++) describeDevice({ 'user-agent': ua(i) });
});

// A distinct suffix defeats the parse cache: the cost of a User-Agent never seen before.
const MISSES = 20_000;
const miss = time(() => {
  for (let i = 0; i < MISSES; i++) describeDevice({ 'user-agent': `${ua(i)} bench/${i}` });
});

const rssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
console.log(
  `load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')} on ${availableParallelism()} CPUs`,
);
console.log(`offline database load:       ${loadMs.toFixed(0)} ms (process RSS ${rssMb} MB)`);
console.log(
  `geolocation lookup() (sync): ${rate(ips.length, sync)} over ${ips.length.toLocaleString('en-US')} random public IPv4s, ${((found / ips.length) * 100).toFixed(1)}% located`,
);
console.log(`geolocation locate() (async): ${rate(asyncCount, asynchronous)}`);
console.log(
  `describeDevice() repeated:   ${rate(PARSES, parse)} over ${USER_AGENTS.length} User-Agents (parse cache hits)`,
);
console.log(
  `describeDevice() new UA:     ${rate(MISSES, miss)} (every User-Agent distinct: full ua-parser-js parse)`,
);
