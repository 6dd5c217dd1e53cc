import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import { type CleanupPolicy, type CleanupResult, runCleanup } from '../sessions/cleanup.ts';
import type { Endings } from '../sessions/endings.ts';
import type { Metrics } from './metrics.ts';

export interface CleanupSchedule {
  /** Runs one tick now, as the cron would; resolves with what this instance did (undefined: failed, logged). */
  trigger(): Promise<CleanupResult | undefined>;
  /** Stops the cron, interrupts a running cleanup between batches and waits for it to let go. */
  stop(): Promise<void>;
}

export interface CleanupScheduleOptions {
  /** When to run: CLEANUP_CRON. */
  cron: string;
  policy: CleanupPolicy;
  clock: Clock;
  database: DatabaseHandle;
  endings: Pick<Endings, 'ended'>;
  log: FastifyBaseLogger;
  metrics?: Metrics;
  /**
   * How long the winner of a tick keeps the advisory lock (at most half the time to the next
   * tick), so an instance whose clock is a little behind finds it taken instead of running the
   * same tick again.
   * @default 60000
   */
  tickHoldMs?: number;
}

/**
 * Runs the expired-session cleanup on CLEANUP_CRON inside the server. Every instance schedules
 * it; the advisory lock in `runCleanup` lets exactly one of them do the work of each tick.
 */
export function startCleanupSchedule(options: CleanupScheduleOptions): CleanupSchedule {
  const { policy, clock, database, metrics, log } = options;
  const stopping = new AbortController();
  let running: Promise<CleanupResult | undefined> | undefined;

  const job = new Cron(options.cron, { protect: true }, async () => {
    await tick();
  });

  const holdMs = () => {
    const next = job.msToNext();
    const limit = options.tickHoldMs ?? 60_000;
    return next === null ? limit : Math.min(limit, Math.floor(next / 2));
  };

  async function run(): Promise<CleanupResult | undefined> {
    // Same-tick runs on several instances share this second: it ties their log lines together.
    const startedAt = new Date(clock.now()).toISOString();
    try {
      const result = await runCleanup(database.db, policy, clock, {
        endings: options.endings,
        signal: stopping.signal,
        embedded: database.kind === 'pglite',
        holdLockMs: holdMs(),
      });
      if (!result.ran) {
        log.debug({ startedAt }, 'session cleanup skipped: another instance holds the lock');
        return result;
      }
      const summary = {
        startedAt,
        deleted: result.deleted,
        expiredUnobserved: result.expiredUnobserved,
        batches: result.batches,
        durationMs: result.durationMs,
      };
      if (result.interrupted) {
        // Deletions made so far are real; the run itself did not finish, so no "last success".
        log.warn(summary, 'session cleanup interrupted by shutdown; the next run continues');
        return result;
      }
      metrics?.cleanupRun({
        deleted: result.deleted,
        durationSeconds: result.durationMs / 1000,
      });
      log.info(summary, 'session cleanup done');
      return result;
    } catch (error) {
      metrics?.cleanupFailed();
      log.error({ err: error }, 'session cleanup failed');
      return undefined;
    }
  }

  // Single flight: a manual trigger during a scheduled run joins it instead of queueing another.
  function tick(): Promise<CleanupResult | undefined> {
    if (stopping.signal.aborted) return Promise.resolve(undefined);
    if (!running) {
      const current = run().finally(() => {
        if (running === current) running = undefined;
      });
      running = current;
    }
    return running;
  }

  return {
    trigger: tick,
    stop: async () => {
      job.stop();
      stopping.abort();
      await running;
    },
  };
}
