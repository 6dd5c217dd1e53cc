import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { runCleanup } from '../sessions/cleanup.ts';

/**
 * Runs the expired-session cleanup on CLEANUP_CRON inside the server. Every instance schedules
 * it; the advisory lock in `runCleanup` lets exactly one of them do the work.
 */
export function startCleanupSchedule(app: FastifyInstance): { stop(): void; trigger(): Promise<void> } {
  const { config, clock, database, metrics } = app.tenure;
  const tick = async () => {
    try {
      const result = await runCleanup(database.db, config, clock);
      if (!result.ran) return;
      metrics.cleanupRun({
        revoked: result.expired,
        deleted: result.deleted,
        durationSeconds: result.durationMs / 1000,
      });
      app.log.info(
        { expired: result.expired, deleted: result.deleted, durationMs: result.durationMs },
        'session cleanup done',
      );
    } catch (error) {
      metrics.cleanupFailed();
      app.log.error({ err: error }, 'session cleanup failed');
    }
  };
  const job = new Cron(config.cleanupCron, { protect: true }, tick);
  return { stop: () => job.stop(), trigger: tick };
}
