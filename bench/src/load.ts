import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Responses that were not 2xx, and connection errors/timeouts. */
  failures: number;
  /** Count by status code of the responses that were not 2xx. */
  failedStatuses?: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  path: string;
  method?: 'GET' | 'POST' | 'DELETE';
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  /** Rotated over requests as `Authorization: Bearer …` (each request the next token). */
  tokens?: string[];
  /** Rotated over requests as the JSON body. */
  bodies?: string[];
  /** Each request from the next of many client addresses (`X-Forwarded-For`), for per-IP limits. */
  manyClients?: boolean;
  /**
   * autocannon worker threads (static requests only): one JS thread cannot keep a fast server
   * busy. Latency percentiles then come from autocannon's histogram (whole milliseconds).
   * @default 0 (in this thread, fractional per-response latencies)
   */
  workers?: number;
  /** Ends the run early (e.g. when the cleanup it runs beside is done). */
  until?: Promise<unknown>;
}

/** Requests built once and cycled through: cheap for the load generator, unlike `setupRequest`. */
export const STATIC_ROTATION = 1_000;

/**
 * autocannon, programmatically. A case that only rotates bearer tokens gets up to 1,000 of them
 * as prebuilt requests, which autocannon sends without rebuilding anything; bodies and client
 * addresses are built per request (`setupRequest`, much slower for the load generator, used
 * only by the cases that need them: login and its cleanup run).
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { tokens, bodies } = options;
  let next = 0;
  const latencies: number[] = [];
  const failedStatuses: Record<string, number> = {};
  const dynamic = bodies !== undefined || options.manyClients === true;
  const headers = { 'user-agent': BROWSER_UA, ...options.headers };
  const method = options.method ?? 'GET';
  const requests = dynamic
    ? [
        {
          method,
          path: options.path,
          headers,
          setupRequest: (request: autocannon.Request) => {
            const i = next++;
            const token = tokens?.[i % tokens.length];
            const body = bodies?.[i % bodies.length];
            const client = options.manyClients ? { 'x-forwarded-for': clientAddress(i) } : {};
            return {
              ...request,
              headers: { ...headers, ...client, ...(token && { authorization: `Bearer ${token}` }) },
              ...(body !== undefined && { body }),
            };
          },
        },
      ]
    : (tokens?.slice(0, STATIC_ROTATION) ?? [undefined]).map((token) => ({
        method,
        path: options.path,
        headers: { ...headers, ...(token && { authorization: `Bearer ${token}` }) },
      }));
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        pipelining: 1,
        requests,
        ...(options.workers && !dynamic && { workers: options.workers }),
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = Math.max(result.duration, 0.001);
        const sorted = Float64Array.from(latencies).sort();
        // Workers report no per-response timings to this thread: their merged histogram then.
        const fromHistogram = sorted.length === 0 && result.requests.total > 0;
        resolve({
          rps: result.requests.total / seconds,
          p50Ms: fromHistogram ? result.latency.p50 : percentile(sorted, 0.5),
          p99Ms: fromHistogram ? result.latency.p99 : percentile(sorted, 0.99),
          requests: result.requests.total,
          failures: result.non2xx + result.errors + result.timeouts,
          ...(Object.keys(failedStatuses).length > 0 && { failedStatuses }),
        });
      },
    );
    // autocannon's own histogram keeps whole milliseconds; sub-millisecond cases need the
    // fractional response times it reports per response.
    instance.on('response', (_client, status: number, _bytes, responseTime: number) => {
      latencies.push(responseTime);
      if (status < 200 || status > 299) failedStatuses[status] = (failedStatuses[status] ?? 0) + 1;
    });
    options.until?.finally(() => instance.stop());
  });
}

export const BROWSER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** The i-th of 4,096 public client addresses (stable, so runs are comparable). */
export function clientAddress(i: number): string {
  const n = i % 4096;
  return `81.${20 + (n >> 8)}.${n & 255}.${((n * 7) % 250) + 1}`;
}
