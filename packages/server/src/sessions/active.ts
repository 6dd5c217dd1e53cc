import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * The one definition of an active session, as a pure function and as the SQL filter built from
 * the same inputs. A session is active when it has not ended (`is_revoked`), `now < expires_at`
 * and `now < last_active + inactivity timeout`. Expiry is a fact of the timestamps: no row has to
 * be rewritten to make it expired. `test/sessions/active-property.test.ts` feeds both the same
 * random rows, boundary instants included, and requires the same verdict.
 */

/** What the rule reads of a session row. */
export interface SessionTimes {
  is_revoked: boolean;
  revoked_reason: string | null;
  expires_at: Date;
  last_active: Date;
}

/** Why a session is not active, or that it is. An ended session answers from its stored reason. */
export type SessionState = 'active' | 'revoked' | 'expired' | 'idle';

/**
 * The newest activity known for a session: the row's `last_active`, or activity this instance
 * recorded and has not written yet (writes are coalesced), whichever is later.
 */
export function effectiveLastActive(row: Pick<SessionTimes, 'last_active'>, pendingMs?: number): number {
  return Math.max(row.last_active.getTime(), pendingMs ?? 0);
}

export function sessionState(
  row: SessionTimes,
  nowMs: number,
  inactivityTimeoutMs: number,
  lastActiveMs = row.last_active.getTime(),
): SessionState {
  // An ending recorded for expiry stays expiry: it never turns into "signed out" later.
  if (row.is_revoked) return row.revoked_reason === 'expired' ? 'expired' : 'revoked';
  if (nowMs >= row.expires_at.getTime()) return 'expired';
  if (nowMs >= lastActiveMs + inactivityTimeoutMs) return 'idle';
  return 'active';
}

export function isActive(row: SessionTimes, nowMs: number, inactivityTimeoutMs: number): boolean {
  return sessionState(row, nowMs, inactivityTimeoutMs) === 'active';
}

/** The instant a session ended: its recorded ending, else the first of its two expiries. */
export function endedAt(
  row: SessionTimes & { revoked_at: Date | null },
  inactivityTimeoutMs: number,
): number | undefined {
  if (row.is_revoked) return row.revoked_at?.getTime();
  return Math.min(row.expires_at.getTime(), row.last_active.getTime() + inactivityTimeoutMs);
}

/** `isActive` as a Kysely filter on `user_sessions`: `.where(activeSession(now, idleMs))`. */
export function activeSession(now: Date, inactivityTimeoutMs: number) {
  const idleCutoff = new Date(now.getTime() - inactivityTimeoutMs);
  return (
    eb: ExpressionBuilder<Database, 'user_sessions'>,
  ): ExpressionWrapper<Database, 'user_sessions', SqlBool> =>
    eb.and([
      eb('user_sessions.is_revoked', '=', false),
      eb('user_sessions.expires_at', '>', now),
      eb('user_sessions.last_active', '>', idleCutoff),
    ]);
}

export const stateError = {
  revoked: 'session_revoked',
  expired: 'session_expired',
  idle: 'session_expired',
} as const satisfies Record<Exclude<SessionState, 'active'>, string>;
