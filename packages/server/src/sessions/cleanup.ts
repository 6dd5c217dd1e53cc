import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { SessionRepository } from './session-repository.ts';

export interface CleanupResult {
  /** Sessions past their absolute expiry or idle timeout, now marked revoked ('expired'). */
  expired: number;
  /** Rows revoked longer ago than the retention period, now deleted. */
  deleted: number;
  durationMs: number;
  /** False when another instance held the lock and this run did nothing. */
  ran: boolean;
}

// Arbitrary but fixed: every instance asks PostgreSQL for the same advisory lock.
const CLEANUP_LOCK_KEY = 727_367_001;
const BATCH_SIZE = 5_000;

/**
 * Expired-session cleanup in short batches (each its own statement, so no lock is held across
 * millions of rows), under a PostgreSQL advisory lock so only one instance runs it at a time.
 */
export async function runCleanup(
  db: Kysely<Database>,
  config: Pick<Config, 'inactivityTimeoutMs' | 'revokedRetentionMs'>,
  clock: Clock,
  options: { batchSize?: number } = {},
): Promise<CleanupResult> {
  const started = clock.now();
  const batchSize = options.batchSize ?? BATCH_SIZE;
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_lock(${CLEANUP_LOCK_KEY}) AS locked`.execute(connection);
    if (!rows[0]?.locked) return { expired: 0, deleted: 0, durationMs: 0, ran: false };
    try {
      const repository = new SessionRepository(connection);
      let expired = 0;
      for (;;) {
        const now = clock.now();
        const batch = await repository.expireBatch(
          new Date(now),
          new Date(now - config.inactivityTimeoutMs),
          batchSize,
        );
        expired += batch.length;
        if (batch.length < batchSize) break;
      }
      let deleted = 0;
      for (;;) {
        const count = await repository.deleteRevokedBatch(
          new Date(clock.now() - config.revokedRetentionMs),
          batchSize,
        );
        deleted += count;
        if (count < batchSize) break;
      }
      return { expired, deleted, durationMs: clock.now() - started, ran: true };
    } finally {
      await sql`SELECT pg_advisory_unlock(${CLEANUP_LOCK_KEY})`.execute(connection);
    }
  });
}
