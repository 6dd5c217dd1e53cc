import { Agent, request } from 'node:http';
import type { ServerInstance } from '../instance.ts';
import { BROWSER_UA } from '../load.ts';
import { percentile } from '../stats.ts';
import type { BenchContext } from './context.ts';

export interface PropagationResult {
  samples: number;
  /** From sending the logout to A until B's first refusal. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How long A took to answer the logout (DB update + Redis denylist write + publish). */
  revokeP50Ms: number;
  revokeP99Ms: number;
  /** Revocations B never refused within the timeout. */
  missed: number;
}

const TIMEOUT_MS = 2_000;

/**
 * Two instances on one PostgreSQL and one Redis. For each sample: B accepts the token (and has
 * it cached); A signs the session out; B is asked again and again until it refuses. The time
 * is from sending the logout to A until B's first refusal.
 */
export async function propagationCase(context: BenchContext, a: ServerInstance, b: ServerInstance) {
  const sessions = await a.call('createSessions', { count: context.sizes.propagationSamples });
  const agentA = new Agent({ keepAlive: true, maxSockets: 1 });
  const agentB = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const revokeTimes: number[] = [];
  let missed = 0;
  for (const session of sessions) {
    const auth = { authorization: `Bearer ${session.accessToken}` };
    const accepted = await call(agentB, b.url, 'GET', '/bench/protected', auth);
    if (accepted !== 200) throw new Error(`instance B refused a fresh token (${accepted})`);
    const sent = performance.now();
    const logout = call(agentA, a.url, 'POST', '/api/auth/logout', auth).then((status) => {
      revokeTimes.push(performance.now() - sent);
      return status;
    });
    let refusedAt: number | undefined;
    while (performance.now() - sent < TIMEOUT_MS) {
      if ((await call(agentB, b.url, 'GET', '/bench/protected', auth)) === 401) {
        refusedAt = performance.now();
        break;
      }
    }
    if ((await logout) !== 204) throw new Error('logout on instance A failed');
    if (refusedAt === undefined) missed++;
    times.push((refusedAt ?? performance.now()) - sent);
  }
  agentA.destroy();
  agentB.destroy();
  times.sort((x, y) => x - y);
  revokeTimes.sort((x, y) => x - y);
  const result: PropagationResult = {
    samples: times.length,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    maxMs: times.at(-1) ?? Number.NaN,
    revokeP50Ms: percentile(revokeTimes, 0.5),
    revokeP99Ms: percentile(revokeTimes, 0.99),
    missed,
  };
  context.log(
    `propagation: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms over ${result.samples}`,
  );
  return result;
}

function call(agent: Agent, base: string, method: string, path: string, headers: Record<string, string>) {
  const { hostname, port } = new URL(base);
  return new Promise<number>((resolve) => {
    const req = request(
      { agent, hostname, port, method, path, headers: { ...headers, 'user-agent': BROWSER_UA } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end();
  });
}
