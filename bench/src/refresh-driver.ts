import { Agent, request } from 'node:http';
import { BROWSER_UA, type LoadResult } from './load.ts';
import { percentile } from './stats.ts';

/**
 * Refresh load: each connection rotates its own session's chain — it sends its current
 * refresh token and uses the successor from the answer for its next request — which a fixed
 * autocannon request cannot do. One keep-alive socket per connection, one request in flight.
 */
export async function runRefreshChains(options: {
  url: string;
  refreshTokens: string[];
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const { hostname, port } = new URL(options.url);
  const spare = options.refreshTokens.slice(options.connections);
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;

  async function connection(initial: string | undefined) {
    let token = initial;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (token && performance.now() < deadline) {
      const sent = performance.now();
      const answer = await post(agent, hostname, Number(port), token);
      latencies.push(performance.now() - sent);
      if (answer.status === 200 && answer.refreshToken) token = answer.refreshToken;
      else {
        failures++;
        token = spare.pop();
      }
    }
    agent.destroy();
  }

  await Promise.all(
    Array.from({ length: options.connections }, (_, i) => connection(options.refreshTokens[i])),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
    failures,
  };
}

function post(
  agent: Agent,
  hostname: string,
  port: number,
  refreshToken: string,
): Promise<{ status: number; refreshToken?: string }> {
  const body = JSON.stringify({ refreshToken });
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        hostname,
        port,
        method: 'POST',
        path: '/api/auth/refresh',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-token-transport': 'body',
          'user-agent': BROWSER_UA,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status !== 200) return resolve({ status });
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { refreshToken?: string };
          resolve({ status, ...(parsed.refreshToken && { refreshToken: parsed.refreshToken }) });
        });
      },
    );
    req.on('error', () => resolve({ status: 0 }));
    req.end(body);
  });
}
