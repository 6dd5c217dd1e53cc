import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface InForceQuery {
  /** Keyset position: rows strictly after (revoked_at, session_id). */
  after?: { position: string; sessionId: string } | undefined;
  /** Signed out after this, so its last access token may still be live. */
  revokedAfter: Date;
  /** Absolute expiry after this: past it (plus a margin) no token of the session is live. */
  expiresAfter: Date;
  limit: number;
}

export interface InForceRow {
  sessionId: string;
  /** revoked_at to the microsecond (ISO 8601), the keyset position of the row. */
  position: string;
  revokedAt: Date;
  expiresAt: Date;
}

/**
 * Sessions that were signed out (not cleanup's 'expired' rows, whose tokens have already
 * expired) in (revoked_at, session_id) order. `revokedAfter` bounds the range of the partial
 * index on revoked_at WHERE is_revoked, so a read touches only the last few minutes of
 * revocations however old the reader's cursor is. Exported so a test can EXPLAIN it.
 */
export function inForceQuery(db: Kysely<Database>, query: InForceQuery) {
  const { after, revokedAfter, expiresAfter, limit } = query;
  let select = db
    .selectFrom('user_sessions')
    .select([
      'session_id',
      'revoked_at',
      'expires_at',
      sql<string>`to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('position'),
    ])
    .where('is_revoked', '=', true)
    .where('revoked_reason', 'is distinct from', 'expired')
    .where('revoked_at', '>', revokedAfter)
    .where('expires_at', '>', expiresAfter);
  if (after) {
    // Microsecond text, parsed by the database: a JS Date would round the position to the ms.
    const position = sql<Date>`${after.position}::timestamptz`;
    // (revoked_at, session_id) > (p, s), spelled so the revoked_at bound can use the index.
    select = select
      .where('revoked_at', '>=', position)
      .where((eb) => eb.or([eb('revoked_at', '>', position), eb('session_id', '>', after.sessionId)]));
  }
  return select.orderBy('revoked_at').orderBy('session_id').limit(limit);
}

/** All SQL of the revocation feed. */
export class RevocationFeedRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findInForce(query: InForceQuery): Promise<InForceRow[]> {
    const rows = await inForceQuery(this.db, query).execute();
    return rows.map((row) => ({
      sessionId: row.session_id,
      position: row.position,
      // Never null here: the query reads revoked rows only.
      revokedAt: row.revoked_at!,
      expiresAt: row.expires_at,
    }));
  }
}
