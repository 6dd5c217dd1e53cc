import { loadavg } from 'node:os';
import { runLoad } from '../load.ts';
import type { CleanupRun } from '../protocol.ts';
import type { BenchContext, CaseResult } from './context.ts';

export interface CleanupResult {
  run: CleanupRun;
  seedSeconds: number;
  /** Logins measured while the cleanup ran. */
  logins: CaseResult;
}

/**
 * `cleanup`: seeds sessions that expired before the retention cutoff by SQL, runs the server's
 * batched cleanup inside the server (as the cron job does), which deletes them, and logs in at
 * full load for as long as it runs.
 */
export async function cleanupCase(context: BenchContext, loginBodies: string[]): Promise<CleanupResult> {
  const { server, options, sizes } = context;
  context.log(
    `cleanup: seeding ${sizes.expiredRows.toLocaleString('en-US')} sessions that expired before the retention cutoff`,
  );
  const seeded = await server.call('seedExpired', { count: sizes.expiredRows, users: sizes.listUsers });
  const before = loadavg()[0] ?? 0;
  const cleanup = server.call('runCleanup', {});
  const logins = await runLoad({
    url: server.url,
    path: '/api/auth/login',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-token-transport': 'body' },
    bodies: loginBodies,
    manyClients: true,
    connections: options.connections,
    // Ends with the cleanup, but lasts at least a case's duration so p99 has samples.
    seconds: 600,
    until: Promise.all([cleanup, new Promise((resolve) => setTimeout(resolve, options.duration * 1000))]),
  });
  const run = await cleanup;
  if (run.deleted !== sizes.expiredRows) {
    throw new Error(`cleanup deleted ${run.deleted} rows, not the ${sizes.expiredRows} seeded`);
  }
  context.log(
    `cleanup: ${run.deleted.toLocaleString('en-US')} deleted in ${run.batches} batches, ${run.seconds.toFixed(1)} s; login p99 ${logins.p99Ms.toFixed(1)} ms meanwhile`,
  );
  return {
    run,
    seedSeconds: seeded.seconds,
    logins: { name: 'cleanup', ...logins, loadAvg: [before, loadavg()[0] ?? 0] },
  };
}
