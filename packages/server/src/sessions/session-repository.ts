import type { EndReason } from '@tenure/protocol';
import { type Kysely, sql } from 'kysely';
import type { Database, NewSession, SessionRow } from '../db/schema.ts';
import { activeSession } from './active.ts';
import { endedData, type OutboxEvent, outboxInsert } from './event-outbox.ts';

/** The columns an ending reports (what `toFacts` reads). */
export const factColumns = [
  'session_id',
  'user_id',
  'device_type',
  'device_name',
  'browser',
  'os',
  'ip_address',
  'location',
  'created_at',
  'expires_at',
  'last_active',
] as const;
export type EndedRow = Pick<SessionRow, (typeof factColumns)[number]>;

/** What this sign-in or refresh says about the device: later client hints refine it. */
export type DeviceColumns = Partial<
  Pick<
    NewSession,
    'ip_address' | 'location' | 'user_agent' | 'device_type' | 'device_name' | 'browser' | 'os'
  >
>;

/** What a sign-in is, besides a new session: announced with it. */
export interface SignInNovelty {
  newDevice: boolean;
  /** The country, when it is one the user has not signed in from. */
  newCountry: string | null;
}

/**
 * All SQL about sessions. Ownership (`user_id`) is part of every query that takes a user. The
 * statements that create and end sessions write their events to the outbox in the same statement.
 */
export class SessionRepository {
  private readonly inactivityTimeoutMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: { inactivityTimeoutMs: number; accessTokenTtlMs: number },
  ) {
    this.inactivityTimeoutMs = policy.inactivityTimeoutMs;
  }

  async insert(session: NewSession & { created_at: Date }, novelty: SignInNovelty): Promise<void> {
    const events: OutboxEvent[] = [{ type: 'session.created' }];
    if (novelty.newDevice) events.push({ type: 'session.new_device' });
    if (novelty.newCountry) {
      events.push({
        type: 'session.new_location',
        extra: sql`jsonb_build_object('country', ${novelty.newCountry}::text)`,
      });
    }
    await this.db
      .with('src', (db) => db.insertInto('user_sessions').values(session).returning(factColumns))
      .with('announced', () => outboxInsert('src', events, session.created_at))
      .selectFrom('src')
      .select('session_id')
      .execute();
  }

  /** Records a fresh proof of identity on an active session of this user; undefined if none. */
  confirmAuth(input: { sessionId: string; userId: string; now: Date }): Promise<SessionRow | undefined> {
    return this.db
      .updateTable('user_sessions')
      .set({ auth_time: input.now })
      .where('session_id', '=', input.sessionId)
      .where('user_id', '=', input.userId)
      .where('is_revoked', '=', false)
      .where(activeSession(input.now, this.inactivityTimeoutMs))
      .returningAll()
      .executeTakeFirst();
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
   * the same token wins; the others see no row and take the grace path. The token that stops
   * being "previous" is retired in the same statement, so its later use is theft.
   */
  async rotate(input: {
    sessionId: string;
    expectedGeneration: number;
    newHash: string;
    now: Date;
    retireHash: string | null;
    device: DeviceColumns;
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
          ip_address = COALESCE(${device.ip_address ?? null}, ip_address),
          location = COALESCE(${device.location ?? null}, location),
          user_agent = COALESCE(${device.user_agent ?? null}, user_agent),
          device_type = COALESCE(${device.device_type ?? null}, device_type),
          device_name = COALESCE(${device.device_name ?? null}, device_name),
          browser = COALESCE(${device.browser ?? null}, browser),
          os = COALESCE(${device.os ?? null}, os)
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

  /**
   * Records the ending of sessions that have not ended yet. `activeOnly` (every ending but
   * expiry) touches only sessions that are still active, so a session that expired is never
   * re-labelled as signed out. Returns what it ended.
   */
  end(input: {
    reason: EndReason;
    now: Date;
    activeOnly: boolean;
    sessionId?: string;
    userId?: string;
    exceptSessionId?: string | null;
  }): Promise<EndedRow[]> {
    const { reason, now, activeOnly, sessionId, userId, exceptSessionId } = input;
    let query = this.db
      .updateTable('user_sessions')
      .set({ is_revoked: true, revoked_at: now, revoked_reason: reason })
      .where('is_revoked', '=', false);
    if (activeOnly) query = query.where(activeSession(now, this.inactivityTimeoutMs));
    if (sessionId !== undefined) query = query.where('session_id', '=', sessionId);
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    if (exceptSessionId) query = query.where('session_id', '!=', exceptSessionId);
    const ended: OutboxEvent = { type: 'session.ended', extra: endedData(reason, now, this.policy) };
    // Theft is announced as such first, then the ending it caused.
    const events: OutboxEvent[] = reason === 'reuse' ? [{ type: 'session.refresh_reused' }, ended] : [ended];
    return this.db
      .with('src', () => query.returning(factColumns))
      .with('announced', () => outboxInsert('src', events, now))
      .selectFrom('src')
      .selectAll()
      .execute();
  }

  /** Active sessions, most recently active first. */
  findActiveByUser(userId: string, now: Date): Promise<SessionRow[]> {
    return this.db
      .selectFrom('user_sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where(activeSession(now, this.inactivityTimeoutMs))
      .orderBy('last_active', 'desc')
      .execute();
  }

  /** Ids of the user's active sessions beyond the `keep` most recently active. */
  async findActiveBeyondLimit(userId: string, keep: number, now: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_sessions')
      .select('session_id')
      .where('user_id', '=', userId)
      .where(activeSession(now, this.inactivityTimeoutMs))
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

  /** Sessions signed out since `since`: their access tokens may still be unexpired. */
  findRecentlyRevoked(since: Date): Promise<Array<{ session_id: string }>> {
    return this.db
      .selectFrom('user_sessions')
      .select('session_id')
      .where('is_revoked', '=', true)
      .where('revoked_at', '>', since)
      .where('revoked_reason', '!=', 'expired')
      .execute();
  }
}
