import { Counter, Gauge, type Registry } from 'prom-client';
import type { MetricsOptions } from './metrics.ts';

/**
 * `tenure_active_sessions`, filled by prom-client's `collect()` at scrape time. The provider
 * runs single-flight, its value is cached, and a timeout or error falls back to the last
 * known value: a slow database must never turn a scrape into an error or a pile-up.
 */
export function createActiveSessionsGauge(
  registry: Registry,
  now: () => number,
  options: MetricsOptions,
): { setProvider: (provider: () => Promise<number>) => void } {
  const timeoutMs = options.activeSessionsTimeoutMs ?? 2000;
  const cacheMs = options.activeSessionsCacheMs ?? 15_000;
  let provider: (() => Promise<number>) | undefined;
  let last: { value: number; atMs: number } | undefined;
  let pending: Promise<number> | undefined;
  let failureCount = 0;
  let currentRead: Promise<unknown> = Promise.resolve();

  async function read(): Promise<number | undefined> {
    const current = provider;
    if (!current) return undefined;
    if (last && now() - last.atMs < cacheMs) return last.value;
    if (!pending) {
      // Promise.resolve().then() also turns a synchronous throw into a rejection.
      const call = Promise.resolve()
        .then(current)
        .then((value) => {
          if (!Number.isFinite(value)) throw new Error(`active sessions provider returned ${value}`);
          last = { value, atMs: now() };
          return value;
        });
      pending = call;
      // Cleared by identity so a late settle never clears a newer call.
      call
        .catch(() => undefined)
        .finally(() => {
          if (pending === call) pending = undefined;
        });
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('active sessions provider timed out')), timeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } catch {
      failureCount += 1;
      return last?.value;
    } finally {
      clearTimeout(timer);
    }
  }

  new Gauge({
    name: 'tenure_active_sessions',
    help: 'Active sessions (an estimate from the database, cached between scrapes).',
    registers: [registry],
    async collect() {
      const reading = read();
      currentRead = reading;
      const value = await reading;
      if (value !== undefined) this.set(value);
    },
  });
  // Registered after the gauge, so its collect() waits for this scrape's reading.
  new Counter({
    name: 'tenure_active_sessions_provider_failures_total',
    help: 'Scrapes where the active-sessions estimate failed or timed out (the last value was reported).',
    registers: [registry],
    async collect() {
      await currentRead;
      this.reset();
      this.inc(failureCount);
    },
  });

  return {
    setProvider: (next) => {
      provider = next;
      // Ask the new provider at the next scrape, but keep the value as the fallback.
      if (last) last = { value: last.value, atMs: Number.NEGATIVE_INFINITY };
    },
  };
}
