import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Metrics } from './metrics.ts';
import type { SessionLookups } from './session-samplers.ts';
import { SessionStats } from './session-stats.ts';

export interface ActiveSessionsOptions {
  inactivityTimeoutMs: number;
  /**
   * Up to this many rows in `user_sessions` (per `pg_class.reltuples`) the gauge is an exact
   * count; above it, the planner's estimate.
   * @default 100000
   */
  exactCountMaxRows?: number;
}

/**
 * The `tenure_active_sessions` provider. A COUNT over millions of rows on every scrape of every
 * instance would be a steady full scan, so: small tables are counted exactly (cheap at that
 * size, and what tests and small deployments expect), large ones are estimated by the planner
 * from column statistics without reading the table. The metrics layer also caches the value
 * (30 s in `buildApp`) and never lets a slow read break a scrape.
 */
export function activeSessionsProvider(
  stats: SessionStats,
  clock: Clock,
  options: ActiveSessionsOptions,
): () => Promise<number> {
  const exactCountMaxRows = options.exactCountMaxRows ?? 100_000;
  return async () => {
    const nowMs = clock.now();
    const now = new Date(nowMs);
    const rows = await stats.rowEstimate();
    // -1: never analyzed, which autovacuum fixes soon after any bulk load; a fresh table is small.
    if (rows <= exactCountMaxRows) return stats.countActive(now, options.inactivityTimeoutMs);
    return Math.round(await stats.estimateActive(now, options.inactivityTimeoutMs));
  };
}

/** `SessionLookups` for the sampled metrics (devices per user, revocation to refusal). */
export function sessionLookups(
  stats: SessionStats,
  clock: Clock,
  inactivityTimeoutMs: number,
): SessionLookups {
  return {
    activeSessionsOf: (userId: string) => {
      const nowMs = clock.now();
      return stats.activeCountOf(userId, new Date(nowMs), inactivityTimeoutMs);
    },
    revokedAtOf: (sessionId: string) => stats.revokedAtOf(sessionId),
  };
}

/** Connects the gauge and the sampled histograms of `metrics` to the sessions table. */
export function wireSessionMetrics(
  metrics: Metrics,
  db: Kysely<Database>,
  clock: Clock,
  config: Pick<Config, 'inactivityTimeoutMs'>,
): void {
  const stats = new SessionStats(db);
  metrics.setActiveSessionsProvider(activeSessionsProvider(stats, clock, config));
  metrics.setSessionLookups(sessionLookups(stats, clock, config.inactivityTimeoutMs));
}
