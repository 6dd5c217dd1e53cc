import { verify } from '@node-rs/argon2';
import type { Argon2Rate } from '../protocol.ts';
import { percentile } from '../stats.ts';
import { hashPassword } from './server-paths.ts';

/**
 * The login floor: the password hashed with Tenure's own parameters, then `concurrency` verifies
 * kept in flight for `seconds` — what 50 concurrent logins would ask of argon2, and nothing else.
 */
export async function argon2Rate(args: {
  password: string;
  seconds: number;
  concurrency: number;
}): Promise<Argon2Rate> {
  const hash = await hashPassword(args.password);
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + args.seconds * 1000;
  async function worker() {
    while (performance.now() < deadline) {
      const sent = performance.now();
      if (!(await verify(hash, args.password))) throw new Error('argon2 refused the right password');
      latencies.push(performance.now() - sent);
    }
  }
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
  };
}
