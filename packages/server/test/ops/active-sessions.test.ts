import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type MetricsOptions } from '../../src/ops/metrics.ts';
import { buildMetricsApp, sampleValue, scrape } from './scrape.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup(options: MetricsOptions = {}) {
  let nowMs = 1_000_000;
  const metrics = createMetrics({ now: () => nowMs, ...options });
  const app = await buildMetricsApp(metrics);
  closers.push(() => app.close());
  const read = async () => {
    const samples = await scrape(app);
    return {
      active: sampleValue(samples, 'tenure_active_sessions'),
      failures: sampleValue(samples, 'tenure_active_sessions_provider_failures_total'),
    };
  };
  return { metrics, read, advance: (ms: number) => (nowMs += ms) };
}

describe('active sessions gauge', () => {
  it('reports the provider estimate and reuses it within the cache period instead of querying per scrape', async () => {
    const { metrics, read, advance } = await setup({ activeSessionsCacheMs: 10_000 });
    let calls = 0;
    metrics.setActiveSessionsProvider(async () => {
      calls += 1;
      return 1000 + calls;
    });
    expect((await read()).active).toBe(1001);
    advance(5_000);
    expect((await read()).active).toBe(1001);
    advance(6_000);
    expect((await read()).active).toBe(1002);
    expect(calls).toBe(2);
  });

  it('a failing provider never breaks the scrape: the last known value is reported and the failure counted', async () => {
    const { metrics, read, advance } = await setup({ activeSessionsCacheMs: 0 });
    let fail = false;
    metrics.setActiveSessionsProvider(async () => {
      if (fail) throw new Error('connection refused');
      return 42;
    });
    expect(await read()).toEqual({ active: 42, failures: 0 });
    fail = true;
    advance(1);
    expect(await read()).toEqual({ active: 42, failures: 1 });
  });

  it('a provider that hangs is cut off by the timeout and not called again while still pending', async () => {
    const { metrics, read, advance } = await setup({ activeSessionsCacheMs: 0, activeSessionsTimeoutMs: 20 });
    let calls = 0;
    metrics.setActiveSessionsProvider(() => {
      calls += 1;
      return new Promise<number>(() => {});
    });
    expect(await read()).toEqual({ active: 0, failures: 1 });
    advance(1);
    expect(await read()).toEqual({ active: 0, failures: 2 });
    expect(calls).toBe(1);
  });

  it('a provider that throws synchronously or returns a non-number is treated as a failure', async () => {
    const { metrics, read, advance } = await setup({ activeSessionsCacheMs: 0 });
    metrics.setActiveSessionsProvider(async () => 7);
    expect((await read()).active).toBe(7);
    metrics.setActiveSessionsProvider(() => {
      throw new Error('pool closed');
    });
    advance(1);
    expect(await read()).toEqual({ active: 7, failures: 1 });
    metrics.setActiveSessionsProvider(async () => Number.NaN);
    advance(1);
    expect(await read()).toEqual({ active: 7, failures: 2 });
  });
});
