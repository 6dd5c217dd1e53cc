import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { endedData, outboxInsert } from './event-outbox.ts';
import { type EndedRow, factColumns } from './session-repository.ts';

export interface DeletedSession extends EndedRow {
  /** Whether the row had an ending recorded; if not, it expired unobserved. */
  is_revoked: boolean;
}

/** The SQL of the retention cleanup. */
export class CleanupRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inactivityTimeoutMs: number,
  ) {}

  /**
   * Deletes up to `batchSize` sessions that ended before `cutoff` (`endedAt` in `active.ts`:
   * the recorded ending, else the first of absolute expiry and idle timeout) and returns them.
   * Each of the three ways is picked by its own index and stops at the limit: an OR of them is
   * planned as a scan of the whole table for every batch. Sessions that expired unobserved are
   * announced (`session.ended`, reason `expired`) by the same statement.
   */
  async deleteEndedBefore(cutoff: Date, batchSize: number, now: Date): Promise<DeletedSession[]> {
    const idleCutoff = new Date(cutoff.getTime() - this.inactivityTimeoutMs);
    const columns = sql.join(factColumns.map((column) => sql.ref(column)));
    // An expired session's last token expired with it: no token lifetime enters its data.
    const expired = endedData('expired', now, {
      inactivityTimeoutMs: this.inactivityTimeoutMs,
      accessTokenTtlMs: 0,
    });
    const result = await sql<DeletedSession>`
      WITH ended AS (
        SELECT session_id FROM user_sessions
        WHERE is_revoked AND revoked_at < ${cutoff}
        ORDER BY revoked_at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), absolute AS (
        SELECT session_id FROM user_sessions
        WHERE NOT is_revoked AND expires_at < ${cutoff}
        ORDER BY expires_at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), idle AS (
        SELECT session_id FROM user_sessions
        WHERE NOT is_revoked AND last_active < ${idleCutoff}
        ORDER BY last_active LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), picked AS (
        SELECT session_id FROM ended UNION SELECT session_id FROM absolute
        UNION SELECT session_id FROM idle LIMIT ${batchSize}
      ), deleted AS (
        -- = ANY(ARRAY(…)): by primary key; IN (SELECT …) is planned as a scan of the whole table.
        DELETE FROM user_sessions WHERE session_id = ANY (ARRAY(SELECT session_id FROM picked))
        RETURNING ${columns}, is_revoked
      ), unobserved AS (
        SELECT * FROM deleted WHERE NOT is_revoked
      ), announced AS ${outboxInsert('unobserved', [{ type: 'session.ended', extra: expired }], now)}
      SELECT * FROM deleted`.execute(this.db);
    return result.rows;
  }

  async tryLock(key: number): Promise<boolean> {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${key}) AS locked`.execute(
      this.db,
    );
    return rows[0]?.locked === true;
  }

  async unlock(key: number): Promise<void> {
    await sql`SELECT pg_advisory_unlock(${key})`.execute(this.db);
  }
}
