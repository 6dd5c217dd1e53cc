import { setTimeout as sleep } from 'node:timers/promises';
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
  /** True when `signal` stopped the run between two batches (shutdown); the counts so far stand. */
  interrupted: boolean;
  /** Statements run (each one short, each its own transaction). */
  batches: number;
}

export interface CleanupOptions {
  /** Rows per statement. @default 5000 (1000 when `embedded`) */
  batchSize?: number;
  /** Stops the run between batches, e.g. on shutdown; the next run picks up the rest. */
  signal?: AbortSignal;
  /**
   * The database is embedded PGlite: one session serves every query, so the run must not hold a
   * connection across batches (that would queue every request behind it), and one process owns
   * the database, so no other instance can compete for the lock.
   * @default false
   */
  embedded?: boolean;
  /**
   * Keep the lock at least this long after the run started (real time, cut short by `signal`),
   * so instances whose clocks tick a little later find it taken: one run per scheduled tick.
   * @default 0
   */
  holdLockMs?: number;
}

// Arbitrary but fixed: every instance asks PostgreSQL for the same advisory lock.
const CLEANUP_LOCK_KEY = 727_367_001;
const BATCH_SIZE = 5_000;
// PGlite runs one statement at a time for everyone: smaller batches keep request stalls short.
const EMBEDDED_BATCH_SIZE = 1_000;

/**
 * Expired-session cleanup in short batches (each its own statement, so no lock is held across
 * millions of rows and requests keep going between them), under a PostgreSQL advisory lock so
 * only one instance runs it at a time.
 *
 * On PostgreSQL the lock is a session lock on one pooled connection that the batches also use;
 * the pool's other connections keep serving requests. A lock held by a crashed instance goes
 * away with its connection.
 */
export async function runCleanup(
  db: Kysely<Database>,
  config: Pick<Config, 'inactivityTimeoutMs' | 'revokedRetentionMs'>,
  clock: Clock,
  options: CleanupOptions = {},
): Promise<CleanupResult> {
  if (options.embedded) return underLock(db, config, clock, options);
  return db.connection().execute((connection) => underLock(connection, config, clock, options));
}

async function underLock(
  db: Kysely<Database>,
  config: Pick<Config, 'inactivityTimeoutMs' | 'revokedRetentionMs'>,
  clock: Clock,
  options: CleanupOptions,
): Promise<CleanupResult> {
  const started = clock.now();
  const startedReal = performance.now();
  const { rows } = await sql<{
    locked: boolean;
  }>`SELECT pg_try_advisory_lock(${CLEANUP_LOCK_KEY}) AS locked`.execute(db);
  if (!rows[0]?.locked) {
    return { expired: 0, deleted: 0, durationMs: 0, ran: false, interrupted: false, batches: 0 };
  }
  try {
    const done = await runBatches(new SessionRepository(db), config, clock, options);
    const durationMs = clock.now() - started;
    if (!options.embedded) {
      await holdFor((options.holdLockMs ?? 0) - (performance.now() - startedReal), options.signal);
    }
    return { ...done, durationMs, ran: true };
  } finally {
    await sql`SELECT pg_advisory_unlock(${CLEANUP_LOCK_KEY})`.execute(db);
  }
}

function holdFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/** First the expired rows, then the long-revoked ones; a short batch means nothing is left. */
async function runBatches(
  repository: SessionRepository,
  config: Pick<Config, 'inactivityTimeoutMs' | 'revokedRetentionMs'>,
  clock: Clock,
  options: CleanupOptions,
): Promise<Pick<CleanupResult, 'expired' | 'deleted' | 'batches' | 'interrupted'>> {
  const batchSize = options.batchSize ?? (options.embedded ? EMBEDDED_BATCH_SIZE : BATCH_SIZE);
  const stopped = () => options.signal?.aborted === true;
  // PGlite serves one statement at a time, queued in order: a request needing several statements
  // would wait behind one batch per statement. Resting as long as each batch took gives requests
  // at least half of the database while a backlog is cleaned. PostgreSQL needs no rest.
  const batch = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    if (options.embedded) await holdFor(performance.now() - started, options.signal);
    return result;
  };
  let expired = 0;
  let deleted = 0;
  let batches = 0;
  for (let more = true; more && !stopped(); batches++) {
    const now = clock.now();
    const rows = await batch(() =>
      repository.expireBatch(new Date(now), new Date(now - config.inactivityTimeoutMs), batchSize),
    );
    expired += rows.length;
    more = rows.length === batchSize;
  }
  for (let more = true; more && !stopped(); batches++) {
    const cutoff = new Date(clock.now() - config.revokedRetentionMs);
    const n = await batch(() => repository.deleteRevokedBatch(cutoff, batchSize));
    deleted += n;
    more = n === batchSize;
  }
  return { expired, deleted, batches, interrupted: stopped() };
}
