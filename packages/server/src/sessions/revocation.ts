import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Metrics, RevokeReason } from '../ops/metrics.ts';
import type { Store } from '../store/store.ts';
import type { ActivityTracker } from './activity.ts';
import type { RevokedSession, SessionRepository } from './session-repository.ts';

export interface RevocationDeps {
  config: Readonly<Config>;
  clock: Clock;
  repository: SessionRepository;
  store: Store;
  activity: ActivityTracker;
  metrics: Metrics;
}

// A denylist entry must outlive every access token of the session, plus a margin for clock skew.
const DENY_MARGIN_MS = 60_000;

/**
 * Every way a session ends goes through here: the row is marked revoked (with its reason) and the
 * session goes on the shared denylist, so every instance refuses its access tokens at once.
 */
export class Revocations {
  constructor(private readonly deps: RevocationDeps) {}

  /** Revokes one session if it belongs to `userId` (when given) and is not revoked yet. */
  async revokeOne(sessionId: string, userId: string | undefined, reason: RevokeReason) {
    const revoked = await this.deps.repository.revoke({
      sessionId,
      userId,
      reason: reason === 'reuse' ? 'refresh_token_reused' : reason,
      now: new Date(this.deps.clock.now()),
    });
    if (revoked) await this.deny([revoked], reason);
    return revoked;
  }

  /** Every session of the user except `keepSessionId`; returns what it revoked. */
  async revokeAllExcept(userId: string, keepSessionId: string | null, reason: RevokeReason) {
    const revoked = await this.deps.repository.revokeAllExcept({
      userId,
      keepSessionId,
      reason,
      now: new Date(this.deps.clock.now()),
    });
    await this.deny(revoked, reason);
    return revoked;
  }

  /** Puts revoked sessions on the shared denylist so every instance refuses their tokens. */
  async deny(sessions: RevokedSession[], reason: RevokeReason): Promise<void> {
    if (sessions.length === 0) return;
    const now = this.deps.clock.now();
    const until = now + this.deps.config.accessTokenTtlMs + DENY_MARGIN_MS;
    await Promise.all(
      sessions.map((session) =>
        this.deps.store.denySession(
          session.session_id,
          Math.min(until, session.expires_at.getTime() + DENY_MARGIN_MS),
        ),
      ),
    );
    for (const session of sessions) {
      this.deps.activity.forget(session.session_id);
      this.deps.metrics.sessionEnded((now - session.created_at.getTime()) / 1000);
    }
    this.deps.metrics.sessionRevoked(reason, sessions.length);
  }
}
