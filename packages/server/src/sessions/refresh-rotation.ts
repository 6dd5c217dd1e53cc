import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { SessionRow } from '../db/schema.ts';
import { TenureError } from '../errors.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { SecurityEvents } from '../security-events/security-events.ts';
import { deriveSuccessor, hashRefreshToken, isWellFormedRefreshToken } from '../tokens/refresh-token.ts';
import type { ActivityTracker } from './activity.ts';
import type { Revocations } from './revocation.ts';
import type { SessionRepository } from './session-repository.ts';
import type { IssuedSession } from './session-service.ts';
import type { SignInContext } from './sign-in-context.ts';
import { sessionValidity, validityError } from './validity.ts';

export interface RefreshRotationDeps {
  config: Readonly<Config>;
  clock: Clock;
  repository: SessionRepository;
  events: SecurityEvents;
  activity: ActivityTracker;
  metrics: Metrics;
  /** HMAC key from which successor refresh tokens are derived. */
  refreshSecret: string;
}

/** `POST /refresh`: one refresh token in, its successor (and a new access token) out. */
export class RefreshRotation {
  constructor(
    private readonly deps: RefreshRotationDeps,
    private readonly revocations: Revocations,
    private readonly issueTokens: (session: SessionRow, refreshToken: string) => Promise<IssuedSession>,
  ) {}

  /**
   * Rotation as ordered guard clauses (STYLE 6). The theft branch revokes and records before it
   * fails, in statements of their own, so the response's failure cannot roll it back.
   */
  async refresh(refreshToken: string, context: SignInContext): Promise<IssuedSession> {
    const { repository, config, clock, metrics } = this.deps;
    if (!isWellFormedRefreshToken(refreshToken)) return this.fail('invalid', 'invalid_refresh_token');
    const hash = hashRefreshToken(refreshToken);

    let session = await repository.findByTokenHash(hash);
    // Unknown token: either an old link of a chain (theft) or garbage.
    if (!session) {
      const stolenFrom = await repository.findRetiredTokenSession(hash);
      if (stolenFrom) return this.theft(stolenFrom, context, 'retired token presented');
      return this.fail('invalid', 'invalid_refresh_token');
    }

    let lostRace = false;
    for (let attempt = 0; attempt < 2; attempt++) {
      // Session not active: revoked, past its absolute expiry or idle.
      const validity = sessionValidity(
        session,
        clock.now(),
        config.inactivityTimeoutMs,
        Math.max(session.last_active.getTime(), this.deps.activity.lastActivity(session.session_id) ?? 0),
      );
      if (validity !== 'active') {
        if (validity !== 'revoked')
          await this.revocations.revokeOne(session.session_id, undefined, 'expired');
        await this.recordRefreshFailure(session, context, validity);
        return this.fail(validity === 'revoked' ? 'revoked' : 'expired', validityError[validity]);
      }

      // The current token: rotate. Exactly one concurrent caller wins the compare-and-set.
      if (session.refresh_token_hash === hash) {
        const successor = deriveSuccessor(this.deps.refreshSecret, refreshToken);
        const rotated = await repository.rotate({
          sessionId: session.session_id,
          expectedGeneration: session.generation,
          newHash: hashRefreshToken(successor),
          retireHash: session.previous_token_hash,
          now: new Date(clock.now()),
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
          metrics.refresh('ok');
          return this.issueTokens(rotated, successor);
        }
        // Lost the race to a concurrent refresh with the same token: re-read and take the
        // grace branch below, which hands back the winner's successor.
        session = await repository.findById(session.session_id);
        if (!session) return this.fail('invalid', 'invalid_refresh_token');
        lostRace = true;
        continue;
      }

      // The previous token inside the grace window (two tabs, a retried request): hand back the
      // current successor, never rotate twice.
      const rotatedAt = session.rotated_at?.getTime() ?? 0;
      // A request that lost the race moments ago is inside the window even when the window is 0.
      const inGrace = lostRace || clock.now() - rotatedAt <= config.refreshReuseGraceMs;
      if (session.previous_token_hash === hash && inGrace) {
        const successor = deriveSuccessor(this.deps.refreshSecret, refreshToken);
        if (hashRefreshToken(successor) === session.refresh_token_hash) {
          this.deps.activity.record(session.session_id);
          metrics.refresh('grace');
          return this.issueTokens(session, successor);
        }
      }
      break;
    }

    // Anything else — the previous token after the grace window — is theft.
    return this.theft(session!.session_id, context, 'previous token presented after the grace window');
  }

  private async theft(sessionId: string, context: SignInContext, why: string): Promise<never> {
    const revoked = await this.revocations.revokeOne(sessionId, undefined, 'reuse');
    const session = revoked ?? (await this.deps.repository.findById(sessionId));
    await this.deps.events.record({
      type: 'refresh_token_reused',
      userId: session?.user_id ?? null,
      sessionId,
      ipAddress: context.ipAddress,
      userAgent: context.userAgent,
      detail: { why, sessionRevoked: revoked !== undefined },
      at: new Date(this.deps.clock.now()),
    });
    return this.fail('reused', 'refresh_token_reused');
  }

  private async recordRefreshFailure(session: SessionRow, context: SignInContext, validity: string) {
    await this.deps.events.record({
      type: 'refresh_failure',
      userId: session.user_id,
      sessionId: session.session_id,
      ipAddress: context.ipAddress,
      userAgent: context.userAgent,
      detail: { reason: validity },
      at: new Date(this.deps.clock.now()),
    });
  }

  private fail(
    outcome: 'invalid' | 'revoked' | 'expired' | 'reused',
    code: 'invalid_refresh_token' | 'session_revoked' | 'session_expired' | 'refresh_token_reused',
  ): never {
    this.deps.metrics.refresh(outcome);
    const messages = {
      invalid_refresh_token: 'The refresh token is missing or not valid.',
      session_revoked: 'This session has been signed out.',
      session_expired: 'This session has expired.',
      refresh_token_reused: 'This refresh token was already used; the session has been signed out.',
    } as const;
    throw new TenureError(code, messages[code]);
  }
}
