import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, NewSession, SessionRow } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface RevokedSession {
  session_id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
}

const revokedColumns = ['session_id', 'user_id', 'created_at', 'expires_at'] as const;

/** All SQL about sessions. Ownership (`user_id`) is part of every query that takes a user. */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: NewSession, db: Db = this.db): Promise<void> {
    await db.insertInto('user_sessions').values(session).execute();
  }

  /** The session whose current or previous refresh token has this hash. */
  findByTokenHash(hash: string): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('user_sessions')
      .selectAll()
      .where((eb) => eb.or([eb('refresh_token_hash', '=', hash), eb('previous_token_hash', '=', hash)]))
      .limit(1)
      .executeTakeFirst();
  }

  /** The session a retired (older than previous) refresh token belonged to. */
  async findRetiredTokenSession(hash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('retired_refresh_tokens')
      .select('session_id')
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    return row?.session_id;
  }

  findById(sessionId: string): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('user_sessions')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
  }

  /**
   * Compare-and-set on `generation`: exactly one of any number of concurrent refreshes with
   * the same token wins; the others see no row and fall back to the grace path. The token
   * that stops being "previous" is retired in the same statement, so its later use is theft.
   */
  async rotate(input: {
    sessionId: string;
    expectedGeneration: number;
    newHash: string;
    now: Date;
    retireHash: string | null;
    /** What this refresh request says about the device: later client hints refine it. */
    device?: Partial<
      Pick<
        NewSession,
        'ip_address' | 'location' | 'user_agent' | 'device_type' | 'device_name' | 'browser' | 'os'
      >
    >;
  }): Promise<SessionRow | undefined> {
    const { sessionId, expectedGeneration, newHash, now, retireHash, device } = input;
    const result = await sql<SessionRow>`
      WITH rotated AS (
        UPDATE user_sessions SET
          previous_token_hash = refresh_token_hash,
          refresh_token_hash = ${newHash},
          rotated_at = ${now},
          generation = generation + 1,
          last_active = GREATEST(last_active, ${now}),
          ip_address = COALESCE(${device?.ip_address ?? null}, ip_address),
          location = COALESCE(${device?.location ?? null}, location),
          user_agent = COALESCE(${device?.user_agent ?? null}, user_agent),
          device_type = COALESCE(${device?.device_type ?? null}, device_type),
          device_name = COALESCE(${device?.device_name ?? null}, device_name),
          browser = COALESCE(${device?.browser ?? null}, browser),
          os = COALESCE(${device?.os ?? null}, os)
        WHERE session_id = ${sessionId} AND generation = ${expectedGeneration} AND NOT is_revoked
        RETURNING *
      ), retired AS (
        INSERT INTO retired_refresh_tokens (token_hash, session_id, retired_at)
        SELECT ${retireHash}, session_id, ${now} FROM rotated WHERE ${retireHash}::text IS NOT NULL
        ON CONFLICT (token_hash) DO NOTHING
      )
      SELECT * FROM rotated`.execute(this.db);
    return result.rows[0];
  }

  /** Revokes one session if it belongs to `userId` (when given) and is not already revoked. */
  async revoke(input: {
    sessionId: string;
    userId?: string;
    reason: string;
    now: Date;
  }): Promise<RevokedSession | undefined> {
    let query = this.db
      .updateTable('user_sessions')
      .set({ is_revoked: true, revoked_at: input.now, revoked_reason: input.reason })
      .where('session_id', '=', input.sessionId)
      .where('is_revoked', '=', false);
    if (input.userId !== undefined) query = query.where('user_id', '=', input.userId);
    return query.returning(revokedColumns).executeTakeFirst();
  }

  revokeAllExcept(input: {
    userId: string;
    keepSessionId: string | null;
    reason: string;
    now: Date;
  }): Promise<RevokedSession[]> {
    let query = this.db
      .updateTable('user_sessions')
      .set({ is_revoked: true, revoked_at: input.now, revoked_reason: input.reason })
      .where('user_id', '=', input.userId)
      .where('is_revoked', '=', false)
      .where('expires_at', '>', input.now);
    if (input.keepSessionId !== null) query = query.where('session_id', '!=', input.keepSessionId);
    return query.returning(revokedColumns).execute();
  }

  /** Active sessions (SPEC §3), most recently active first. */
  findActiveByUser(userId: string, now: Date, idleCutoff: Date): Promise<SessionRow[]> {
    return this.db
      .selectFrom('user_sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('is_revoked', '=', false)
      .where('expires_at', '>', now)
      .where('last_active', '>', idleCutoff)
      .orderBy('last_active', 'desc')
      .execute();
  }

  /** Ids of the user's active sessions beyond the `keep` most recently active. */
  async findActiveBeyondLimit(userId: string, keep: number, now: Date, idleCutoff: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_sessions')
      .select('session_id')
      .where('user_id', '=', userId)
      .where('is_revoked', '=', false)
      .where('expires_at', '>', now)
      .where('last_active', '>', idleCutoff)
      .orderBy('last_active', 'desc')
      .orderBy('created_at', 'desc')
      .offset(keep)
      .limit(10_000)
      .execute();
    return rows.map((row) => row.session_id);
  }

  /** One UPDATE for a whole batch of coalesced activity; never moves `last_active` back. */
  async touch(batch: ReadonlyArray<{ sessionId: string; lastActive: Date }>): Promise<number> {
    if (batch.length === 0) return 0;
    const ids = batch.map((entry) => entry.sessionId);
    const times = batch.map((entry) => entry.lastActive.toISOString());
    const result = await sql`
      UPDATE user_sessions AS s SET last_active = v.last_active
      FROM (SELECT unnest(${ids}::uuid[]) AS session_id, unnest(${times}::timestamptz[]) AS last_active) AS v
      WHERE s.session_id = v.session_id AND s.last_active < v.last_active AND NOT s.is_revoked`.execute(
      this.db,
    );
    return Number(result.numAffectedRows ?? 0);
  }

  /**
   * Marks up to `batchSize` expired or idle sessions revoked ('expired'); returns them. Past
   * absolute expiry first, then idle, each by its partial index on unrevoked rows and stopping
   * at the limit: an OR of the two is planned as a scan of the whole table for every batch.
   */
  async expireBatch(now: Date, idleCutoff: Date, batchSize: number): Promise<RevokedSession[]> {
    const result = await sql<RevokedSession>`
      WITH absolute AS (
        SELECT session_id FROM user_sessions
        WHERE NOT is_revoked AND expires_at <= ${now}
        ORDER BY expires_at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), idle AS (
        SELECT session_id FROM user_sessions
        WHERE NOT is_revoked AND expires_at > ${now} AND last_active <= ${idleCutoff}
        ORDER BY last_active LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), picked AS (
        SELECT session_id FROM absolute UNION ALL SELECT session_id FROM idle LIMIT ${batchSize}
      )
      UPDATE user_sessions SET is_revoked = true, revoked_at = ${now}, revoked_reason = 'expired'
      WHERE session_id IN (SELECT session_id FROM picked)
      RETURNING session_id, user_id, created_at, expires_at`.execute(this.db);
    return result.rows;
  }

  /** Deletes up to `batchSize` sessions revoked before `cutoff`; returns how many. */
  async deleteRevokedBatch(cutoff: Date, batchSize: number): Promise<number> {
    const result = await this.db
      .deleteFrom('user_sessions')
      .where('session_id', 'in', (eb) =>
        eb
          .selectFrom('user_sessions')
          .select('session_id')
          .where('is_revoked', '=', true)
          .where('revoked_at', '<', cutoff)
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Sessions revoked since `since`: their access tokens may still be unexpired. */
  findRecentlyRevoked(since: Date): Promise<Array<{ session_id: string }>> {
    // Cleanup's 'expired' rows are left out: past absolute expiry or idle timeout, every access
    // token of theirs has already expired (exp ≤ expires_at, TTL ≤ idle timeout), and a restart
    // just after cleaning a million rows must not re-deny a million sessions in Redis.
    return this.db
      .selectFrom('user_sessions')
      .select('session_id')
      .where('is_revoked', '=', true)
      .where('revoked_at', '>', since)
      .where('revoked_reason', '!=', 'expired')
      .execute();
  }
}
