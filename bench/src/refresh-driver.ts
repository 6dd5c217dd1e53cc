import { Agent, request } from 'node:http';
import { BROWSER_UA, clientAddress, type LoadResult } from './load.ts';
import { percentile } from './stats.ts';

interface Chain {
  token: string;
  address: string;
}

/**
 * Refresh load: every request sends a chain's current refresh token and keeps the successor
 * from the answer for that chain's next refresh — which a fixed autocannon request cannot do.
 * Each connection (one keep-alive socket, one request in flight) owns its own chains and goes
 * round them; each chain is one client with its own address.
 */
export async function runRefreshChains(options: {
  url: string;
  /** @default '/api/auth/refresh' */
  path?: string;
  refreshTokens: string[];
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const { hostname, port } = new URL(options.url);
  const latencies: number[] = [];
  const failedStatuses: Record<string, number> = {};
  let failures = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;

  async function connection(chains: Chain[]) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; chains.length > 0 && performance.now() < deadline; i++) {
      const chain = chains[i % chains.length] as Chain;
      const sent = performance.now();
      const answer = await post(agent, hostname, Number(port), options.path ?? '/api/auth/refresh', chain);
      latencies.push(performance.now() - sent);
      if (answer.status === 200 && answer.refreshToken) chain.token = answer.refreshToken;
      else {
        failures++;
        failedStatuses[answer.status] = (failedStatuses[answer.status] ?? 0) + 1;
        chains.splice(i % chains.length, 1);
      }
    }
    agent.destroy();
  }

  const owned: Chain[][] = Array.from({ length: options.connections }, () => []);
  options.refreshTokens.forEach((token, i) => {
    owned[i % options.connections]?.push({ token, address: clientAddress(i) });
  });
  await Promise.all(owned.map(connection));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
    failures,
    ...(failures > 0 && { failedStatuses }),
  };
}

function post(
  agent: Agent,
  hostname: string,
  port: number,
  path: string,
  chain: Chain,
): Promise<{ status: number; refreshToken?: string }> {
  const body = JSON.stringify({ refreshToken: chain.token });
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        hostname,
        port,
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-token-transport': 'body',
          'x-forwarded-for': chain.address,
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
