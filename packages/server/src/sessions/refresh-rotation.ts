import type { Clock } from '../clock.ts';
import type { SessionRow } from '../db/schema.ts';
import { TenureError } from '../errors.ts';
import { deriveSuccessor, hashRefreshToken, isWellFormedRefreshToken } from '../tokens/refresh-token.ts';
import { effectiveLastActive, sessionState, stateError } from './active.ts';
import type { ActivityTracker } from './activity.ts';
import type { Endings } from './endings.ts';
import type { RefreshRefusal, SessionOutcomes } from './outcomes.ts';
import { toFacts } from './public-session.ts';
import type { SessionRepository } from './session-repository.ts';
import type { IssuedSession } from './session-service.ts';
import type { SignInContext } from './sign-in-context.ts';

export interface RefreshRotationDeps {
  clock: Clock;
  repository: SessionRepository;
  activity: ActivityTracker;
  outcomes: SessionOutcomes;
  endings: Endings;
  /** The session whose current or previous refresh token has this hash. */
  findByTokenHash: (hash: string) => Promise<SessionRow | undefined>;
  inactivityTimeoutMs: number;
  refreshReuseGraceMs: number;
  /** HMAC key from which successor refresh tokens are derived. */
  refreshSecret: string;
  issue: (session: SessionRow, refreshToken: string) => Promise<IssuedSession>;
}

const messages = {
  invalid: 'The refresh token is missing or not valid.',
  revoked: 'This session has been signed out.',
  expired: 'This session has expired.',
  reused: 'This refresh token was already used; the session has been signed out.',
} as const;

const codes = {
  invalid: 'invalid_refresh_token',
  revoked: 'session_revoked',
  expired: 'session_expired',
  reused: 'refresh_token_reused',
} as const;

/** `POST /refresh`: one refresh token in, its successor (and a new access token) out. */
export class RefreshRotation {
  constructor(private readonly deps: RefreshRotationDeps) {}

  /**
   * Ordered guard clauses. The theft branch ends the session and records it before it fails, in
   * statements of their own, so the failure of the request cannot roll it back.
   */
  async refresh(refreshToken: string, context: SignInContext): Promise<IssuedSession> {
    const { repository } = this.deps;
    if (!isWellFormedRefreshToken(refreshToken)) return this.refuse('invalid', context);
    const hash = hashRefreshToken(refreshToken);
    const session = await this.deps.findByTokenHash(hash);

    // Unknown token: an old link of a chain (theft) or garbage.
    if (!session) {
      const stolenFrom = await repository.findRetiredTokenSession(hash);
      const owner = stolenFrom ? await repository.findById(stolenFrom) : undefined;
      if (!owner) return this.refuse('invalid', context);
      return this.refuseInactive(owner, context) ?? this.theft(owner, context, 'retired token presented');
    }

    // Session not active: signed out, past its absolute expiry or idle.
    const inactive = this.refuseInactive(session, context);
    if (inactive) return inactive;

    // The previous token: a replay (grace) or theft.
    if (session.refresh_token_hash !== hash) return this.replay(session, refreshToken, context, false);

    // The current token: rotate. Exactly one concurrent caller wins the compare-and-set.
    const successor = deriveSuccessor(this.deps.refreshSecret, refreshToken);
    const rotated = await repository.rotate({
      sessionId: session.session_id,
      expectedGeneration: session.generation,
      newHash: hashRefreshToken(successor),
      retireHash: session.previous_token_hash,
      now: new Date(this.deps.clock.now()),
      device: {
        ip_address: context.ipAddress,
        location: context.location,
        user_agent: context.userAgent,
        device_type: context.device.deviceType,
        device_name: context.device.deviceName,
        browser: context.device.browser,
        os: context.device.os,
      },
    });
    if (rotated) {
      this.deps.activity.markWritten(rotated.session_id);
      await this.deps.outcomes.emit({ type: 'rotated', session: toFacts(rotated) });
      return this.deps.issue(rotated, successor);
    }

    // Lost the race to a concurrent refresh with the same token: the winner's successor is now
    // current and this token is the previous one, which the grace branch hands back.
    const winner = await repository.findById(session.session_id);
    if (!winner) return this.refuse('invalid', context);
    return this.refuseInactive(winner, context) ?? this.replay(winner, refreshToken, context, true);
  }

  /**
   * The previous token inside the grace window (two tabs, a retried request): the current
   * successor, never a second one. A request that lost a race moments ago is inside the window
   * even when the window is 0. Anything else is theft.
   */
  private async replay(
    session: SessionRow,
    refreshToken: string,
    context: SignInContext,
    lostRace: boolean,
  ): Promise<IssuedSession> {
    const hash = hashRefreshToken(refreshToken);
    const rotatedAt = session.rotated_at?.getTime() ?? 0;
    const inGrace = lostRace || this.deps.clock.now() - rotatedAt <= this.deps.refreshReuseGraceMs;
    const successor = deriveSuccessor(this.deps.refreshSecret, refreshToken);
    const isPredecessor =
      session.previous_token_hash === hash && hashRefreshToken(successor) === session.refresh_token_hash;
    if (!isPredecessor || !inGrace) {
      return this.theft(session, context, 'previous token presented after the grace window');
    }
    this.deps.activity.record(session.session_id);
    await this.deps.outcomes.emit({ type: 'grace_replay', session: toFacts(session) });
    return this.deps.issue(session, successor);
  }

  /** The refusal for a session that is not active, recording expiry once; undefined when active. */
  private refuseInactive(session: SessionRow, context: SignInContext): Promise<never> | undefined {
    const now = this.deps.clock.now();
    const lastActive = effectiveLastActive(session, this.deps.activity.lastActivity(session.session_id));
    const state = sessionState(session, now, this.deps.inactivityTimeoutMs, lastActive);
    if (state === 'active') return undefined;
    return (async () => {
      if (!session.is_revoked) {
        await this.deps.endings.end({ sessionId: session.session_id }, 'expired', {
          actor: 'system',
          scope: 'one',
          context,
        });
      }
      return this.refuse(stateError[state] === 'session_revoked' ? 'revoked' : 'expired', context, session);
    })();
  }

  private async theft(session: SessionRow, context: SignInContext, why: string): Promise<never> {
    const ended = await this.deps.endings.end({ sessionId: session.session_id }, 'reuse', {
      actor: 'system',
      scope: 'one',
      context,
    });
    await this.deps.outcomes.emit({
      type: 'reuse_detected',
      sessionId: session.session_id,
      userId: session.user_id,
      why,
      ended: ended.length > 0,
      context,
    });
    return this.refuse('reused', context, session);
  }

  private async refuse(reason: RefreshRefusal, context: SignInContext, session?: SessionRow): Promise<never> {
    await this.deps.outcomes.emit({
      type: 'refresh_refused',
      reason,
      context,
      ...(session && { session: toFacts(session) }),
    });
    throw new TenureError(codes[reason], messages[reason]);
  }
}
