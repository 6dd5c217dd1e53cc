import type { EndReason } from '@tenure/protocol';
import type { Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';
import type { ActivityTracker } from './activity.ts';
import type { EndingCause, SessionOutcomes } from './outcomes.ts';
import { toFacts } from './public-session.ts';
import type { EndedRow, SessionRepository } from './session-repository.ts';

// A denylist entry outlives every access token of the session, plus a margin for clock skew.
export const DENY_MARGIN_MS = 60_000;

/** Which sessions to end: one by id, or all of a user's (optionally but one). */
export interface EndingTarget {
  sessionId?: string;
  userId?: string;
  exceptSessionId?: string | null;
}

/**
 * The one path by which the app ends sessions: by the user, from another device, on a password
 * change, over the session cap, on reuse, on expiry, by an operator, and the cleanup job. It
 * records the ending with its reason, puts signed-out sessions on the shared denylist (every
 * instance refuses their access tokens at once), and emits exactly one `ended` outcome.
 */
export class Endings {
  constructor(
    private readonly deps: {
      repository: SessionRepository;
      store: Store;
      activity: ActivityTracker;
      outcomes: SessionOutcomes;
      clock: Clock;
      accessTokenTtlMs: number;
      inactivityTimeoutMs: number;
    },
  ) {}

  /**
   * Ends what `target` names and is still active (for `expired`: what has not ended yet, since
   * an expired session is no longer active) and returns it.
   */
  async end(target: EndingTarget, reason: EndReason, cause: EndingCause): Promise<EndedRow[]> {
    const rows = await this.deps.repository.end({
      ...target,
      reason,
      now: new Date(this.deps.clock.now()),
      activeOnly: reason !== 'expired',
    });
    await this.ended(rows, reason, cause);
    return rows;
  }

  /** Reports sessions whose ending is already recorded or deleted (the cleanup job). */
  async ended(rows: EndedRow[], reason: EndReason, cause: EndingCause): Promise<void> {
    if (rows.length === 0) return;
    const now = this.deps.clock.now();
    const tokensValidUntil = now + this.deps.accessTokenTtlMs;
    // Past its expiry no access token of a session is live (exp ≤ expires_at, TTL ≤ idle timeout).
    if (reason !== 'expired') {
      await Promise.all(
        rows.map((row) =>
          this.deps.store.denySession(
            row.session_id,
            Math.min(tokensValidUntil, row.expires_at.getTime()) + DENY_MARGIN_MS,
          ),
        ),
      );
    }
    for (const row of rows) this.deps.activity.forget(row.session_id);
    await this.deps.outcomes.emit({
      type: 'ended',
      reason,
      cause,
      at: new Date(now),
      sessions: rows.map((row) => {
        // An expired session ended when it expired, however much later that was noticed.
        const expiredAt = Math.min(
          now,
          row.expires_at.getTime(),
          row.last_active.getTime() + this.deps.inactivityTimeoutMs,
        );
        const endedAt = reason === 'expired' ? expiredAt : now;
        const lastTokenExpires =
          reason === 'expired' ? expiredAt : Math.min(tokensValidUntil, row.expires_at.getTime());
        return { ...toFacts(row), endedAt: new Date(endedAt), tokensValidUntil: new Date(lastTokenExpires) };
      }),
    });
  }
}
