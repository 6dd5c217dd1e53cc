import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { activeSession } from '../sessions/active.ts';

type ExplainJson = Array<{ Plan?: { 'Plan Rows'?: number } }>;

/** Read-only session statistics for metrics: small indexed reads and planner estimates. */
export class SessionStats {
  constructor(private readonly db: Kysely<Database>) {}

  /** One user's active sessions, on the `user_id` index. */
  async activeCountOf(userId: string, now: Date, inactivityTimeoutMs: number): Promise<number> {
    const row = await this.db
      .selectFrom('user_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where(activeSession(now, inactivityTimeoutMs))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** When the session was revoked (epoch ms); undefined when it is not revoked or not found. */
  async revokedAtOf(sessionId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('user_sessions')
      .select('revoked_at')
      .where('session_id', '=', sessionId)
      .where('is_revoked', '=', true)
      .executeTakeFirst();
    return row?.revoked_at?.getTime();
  }

  /**
   * Rows in `user_sessions` as of the last ANALYZE (`pg_class.reltuples`): a catalog read, no
   * scan. -1 when the table was never analyzed.
   */
  async rowEstimate(): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'user_sessions'::regclass`.execute(this.db);
    return Number(rows[0]?.n ?? -1);
  }

  /** Exact count of active sessions: a scan of the unexpired rows, for small tables only. */
  async countActive(now: Date, inactivityTimeoutMs: number): Promise<number> {
    const row = await this.db
      .selectFrom('user_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(activeSession(now, inactivityTimeoutMs))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * The planner's estimate of active sessions (EXPLAIN, which reads column statistics and
   * executes nothing): constant cost at any table size, as fresh as the last (auto)ANALYZE.
   */
  async estimateActive(now: Date, inactivityTimeoutMs: number): Promise<number> {
    const rows = await this.db
      .selectFrom('user_sessions')
      .select(sql`1`.as('one'))
      .where(activeSession(now, inactivityTimeoutMs))
      .explain<{ 'QUERY PLAN': ExplainJson | string }>('json');
    const raw = rows[0]?.['QUERY PLAN'];
    // node-postgres parses the json column; PGlite may hand back the text.
    const plan: ExplainJson | undefined = typeof raw === 'string' ? (JSON.parse(raw) as ExplainJson) : raw;
    const estimate = Number(plan?.[0]?.Plan?.['Plan Rows']);
    if (!Number.isFinite(estimate)) throw new Error('EXPLAIN returned no row estimate');
    return estimate;
  }
}
