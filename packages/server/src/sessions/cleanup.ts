import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import { CleanupRepository } from './cleanup-repository.ts';
import type { Endings } from './endings.ts';

export interface CleanupResult {
  /** Rows deleted because they ended longer than the retention period ago. */
  deleted: number;
  /** Of those, sessions that expired without anyone noticing: their `expired` ending is reported now. */
  expiredUnobserved: number;
  durationMs: number;
  /** False when another instance held the lock and this run did nothing. */
  ran: boolean;
  /** True when `signal` stopped the run between two batches (shutdown); the counts so far stand. */
  interrupted: boolean;
  /** Statements run (each one short, each its own transaction). */
  batches: number;
}

export interface CleanupPolicy {
  inactivityTimeoutMs: number;
  /** How long an ended session is kept (it answers `session_expired` / `session_revoked` until then). */
  revokedRetentionMs: number;
}

export interface CleanupOptions {
  /** Reports the `expired` ending of deleted sessions nobody had seen expire. */
  endings?: Pick<Endings, 'ended'>;
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
 * Retention cleanup. Expiry is a fact of a session's timestamps, so nothing is rewritten to
 * expire it; cleanup only deletes sessions that ended longer than the retention period ago, in
 * short batches (each its own statement, so no lock is held across millions of rows), under a
 * PostgreSQL advisory lock so only one instance runs it at a time.
 *
 * On PostgreSQL the lock is a session lock on one pooled connection that the batches also use;
 * the pool's other connections keep serving requests. A lock held by a crashed instance goes
 * away with its connection.
 */
export async function runCleanup(
  db: Kysely<Database>,
  policy: CleanupPolicy,
  clock: Clock,
  options: CleanupOptions = {},
): Promise<CleanupResult> {
  if (options.embedded) return underLock(db, policy, clock, options);
  return db.connection().execute((connection) => underLock(connection, policy, clock, options));
}

async function underLock(
  db: Kysely<Database>,
  policy: CleanupPolicy,
  clock: Clock,
  options: CleanupOptions,
): Promise<CleanupResult> {
  const started = clock.now();
  const startedReal = performance.now();
  const repository = new CleanupRepository(db, policy.inactivityTimeoutMs);
  if (!(await repository.tryLock(CLEANUP_LOCK_KEY))) {
    return { deleted: 0, expiredUnobserved: 0, durationMs: 0, ran: false, interrupted: false, batches: 0 };
  }
  try {
    const done = await runBatches(repository, policy, clock, options);
    const durationMs = clock.now() - started;
    if (!options.embedded) {
      await holdFor((options.holdLockMs ?? 0) - (performance.now() - startedReal), options.signal);
    }
    return { ...done, durationMs, ran: true };
  } finally {
    await repository.unlock(CLEANUP_LOCK_KEY);
  }
}

function holdFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/** Batches until one comes back short (nothing left) or the run is stopped. */
async function runBatches(
  repository: CleanupRepository,
  policy: CleanupPolicy,
  clock: Clock,
  options: CleanupOptions,
): Promise<Pick<CleanupResult, 'deleted' | 'expiredUnobserved' | 'batches' | 'interrupted'>> {
  const batchSize = options.batchSize ?? (options.embedded ? EMBEDDED_BATCH_SIZE : BATCH_SIZE);
  const stopped = () => options.signal?.aborted === true;
  let deleted = 0;
  let expiredUnobserved = 0;
  let batches = 0;
  for (let more = true; more && !stopped(); batches++) {
    const started = performance.now();
    const rows = await repository.deleteEndedBefore(
      new Date(clock.now() - policy.revokedRetentionMs),
      batchSize,
      new Date(clock.now()),
    );
    const unobserved = rows.filter((row) => !row.is_revoked);
    await options.endings?.ended(unobserved, 'expired', { actor: 'system', scope: 'all' });
    deleted += rows.length;
    expiredUnobserved += unobserved.length;
    more = rows.length === batchSize;
    // PGlite serves one statement at a time, queued in order: resting as long as each batch
    // took gives requests at least half of the database while a backlog is cleaned.
    if (options.embedded) await holdFor(performance.now() - started, options.signal);
  }
  return { deleted, expiredUnobserved, batches, interrupted: stopped() };
}
