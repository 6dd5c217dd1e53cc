import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { SessionRow } from '../db/schema.ts';
import { TenureError } from '../errors.ts';
import type { Metrics, RevokeReason } from '../ops/metrics.ts';
import type { SecurityEvents } from '../security-events/security-events.ts';
import type { Store } from '../store/store.ts';
import type { AccessTokens } from '../tokens/access-token.ts';
import {
  deriveSuccessor,
  generateRefreshToken,
  hashRefreshToken,
  isWellFormedRefreshToken,
} from '../tokens/refresh-token.ts';
import type { ActivityTracker } from './activity.ts';
import type { RevokedSession, SessionRepository } from './session-repository.ts';
import type { SignInContext } from './sign-in-context.ts';
import { sessionValidity, validityError } from './validity.ts';

export interface IssuedSession {
  session: SessionRow;
  refreshToken: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
}

export interface Authenticated {
  userId: string;
  sessionId: string;
}

export interface SessionServiceDeps {
  config: Readonly<Config>;
  clock: Clock;
  repository: SessionRepository;
  events: SecurityEvents;
  store: Store;
  activity: ActivityTracker;
  accessTokens: AccessTokens;
  metrics: Metrics;
  /** HMAC key from which successor refresh tokens are derived. */
  refreshSecret: string;
}

// A denylist entry must outlive every access token of the session, plus the verifier's leeway.
const DENY_MARGIN_MS = 60_000;

/** Sessions: sign-in, rotation, revocation, listing and the per-request check. */
export class SessionService {
  constructor(private readonly deps: SessionServiceDeps) {}

  /** The per-request check: no database, no network (SPEC §4 "revocation is immediate"). */
  async authenticate(accessToken: string): Promise<Authenticated> {
    const claims = await this.deps.accessTokens.verify(accessToken);
    if (this.deps.store.isSessionDenied(claims.sid)) {
      this.deps.metrics.revokedSessionRefused(claims.sid);
      throw new TenureError('session_revoked', 'This session has been signed out.');
    }
    this.deps.activity.record(claims.sid);
    return { userId: claims.sub, sessionId: claims.sid };
  }

  async start(userId: string, context: SignInContext): Promise<IssuedSession> {
    const { config, clock, repository } = this.deps;
    const now = new Date(clock.now());
    const refreshToken = generateRefreshToken();
    const session: SessionRow = {
      session_id: randomUUID(),
      user_id: userId,
      refresh_token_hash: hashRefreshToken(refreshToken),
      previous_token_hash: null,
      rotated_at: null,
      generation: 0,
      device_type: context.device.deviceType,
      device_name: context.device.deviceName,
      browser: context.device.browser,
      os: context.device.os,
      user_agent: context.userAgent,
      ip_address: context.ipAddress,
      location: context.location,
      created_at: now,
      last_active: now,
      expires_at: new Date(now.getTime() + config.sessionExpiryMs),
      is_revoked: false,
      revoked_at: null,
      revoked_reason: null,
    };
    await repository.insert(session);
    this.deps.activity.markWritten(session.session_id);
    this.deps.metrics.sessionCreated(session.device_type as 'desktop' | 'mobile' | 'tablet');
    await this.enforceSessionLimit(userId, now, context);
    this.deps.metrics.userSignedIn(userId);
    return this.issue(session, refreshToken);
  }

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
        if (validity !== 'revoked') await this.revokeSessions([session], 'expired');
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
          return this.issue(rotated, successor);
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
          return this.issue(session, successor);
        }
      }
      break;
    }

    // Anything else — the previous token after the grace window — is theft.
    return this.theft(session!.session_id, context, 'previous token presented after the grace window');
  }

  /** Revokes the session (any owner) on logout; idempotent. */
  async logout(sessionId: string, context: SignInContext): Promise<void> {
    const revoked = await this.revokeOne(sessionId, undefined, 'logout');
    if (revoked) {
      await this.deps.events.record({
        type: 'logout',
        userId: revoked.user_id,
        sessionId,
        ipAddress: context.ipAddress,
        userAgent: context.userAgent,
        at: new Date(this.deps.clock.now()),
      });
    }
  }

  /** `DELETE /sessions/:id`: 404 alike for unknown, revoked and other users' sessions. */
  async revokeByUser(userId: string, sessionId: string, currentSessionId: string, context: SignInContext) {
    const revoked = await this.revokeOne(sessionId, userId, 'user');
    if (!revoked) throw new TenureError('session_not_found', 'No such session.');
    await this.deps.events.record({
      type: 'session_revoked',
      userId,
      sessionId: currentSessionId,
      ipAddress: context.ipAddress,
      userAgent: context.userAgent,
      detail: {
        revokedSessionId: sessionId,
        by: 'user',
        reason: 'user',
        current: sessionId === currentSessionId,
      },
      at: new Date(this.deps.clock.now()),
    });
  }

  async revokeAllOthers(userId: string, currentSessionId: string, context: SignInContext): Promise<number> {
    const now = new Date(this.deps.clock.now());
    const revoked = await this.deps.repository.revokeAllExcept({
      userId,
      keepSessionId: currentSessionId,
      reason: 'revoke_all',
      now,
    });
    await this.denyAll(revoked, 'revoke_all');
    await this.deps.events.record({
      type: 'sessions_revoked_all',
      userId,
      sessionId: currentSessionId,
      ipAddress: context.ipAddress,
      userAgent: context.userAgent,
      detail: { revokedCount: revoked.length },
      at: now,
    });
    return revoked.length;
  }

  /** Every session of the user except `keepSessionId` (e.g. after a password change). */
  async revokeAllExcept(userId: string, keepSessionId: string | null, reason: RevokeReason): Promise<number> {
    const revoked = await this.deps.repository.revokeAllExcept({
      userId,
      keepSessionId,
      reason,
      now: new Date(this.deps.clock.now()),
    });
    await this.denyAll(revoked, reason);
    return revoked.length;
  }

  /** Active sessions, current first, then most recently active. */
  async list(userId: string, currentSessionId: string): Promise<SessionRow[]> {
    const now = this.deps.clock.now();
    const rows = await this.deps.repository.findActiveByUser(
      userId,
      new Date(now),
      new Date(now - this.deps.config.inactivityTimeoutMs),
    );
    const current = rows.find((row) => row.session_id === currentSessionId);
    if (current) {
      // This instance may hold activity for the current session it has not written yet.
      const pending = this.deps.activity.lastActivity(current.session_id);
      if (pending && pending > current.last_active.getTime()) current.last_active = new Date(pending);
    }
    return current ? [current, ...rows.filter((row) => row !== current)] : rows;
  }

  /** The session a refresh token (current or previous) belongs to, without using it. */
  async sessionIdOfRefreshToken(refreshToken: string): Promise<string | undefined> {
    if (!isWellFormedRefreshToken(refreshToken)) return undefined;
    return (await this.deps.repository.findByTokenHash(hashRefreshToken(refreshToken)))?.session_id;
  }

  findSession(sessionId: string): Promise<SessionRow | undefined> {
    return this.deps.repository.findById(sessionId);
  }

  private async issue(session: SessionRow, refreshToken: string): Promise<IssuedSession> {
    const { config, clock } = this.deps;
    const expiresAtMs = Math.min(clock.now() + config.accessTokenTtlMs, session.expires_at.getTime());
    const accessToken = await this.deps.accessTokens.sign({
      userId: session.user_id,
      sessionId: session.session_id,
      expiresAtMs,
    });
    // JWT `exp` has whole seconds; report what the token actually says.
    return {
      session,
      refreshToken,
      accessToken,
      accessTokenExpiresAt: new Date(Math.floor(expiresAtMs / 1000) * 1000),
    };
  }

  private async theft(sessionId: string, context: SignInContext, why: string): Promise<never> {
    const revoked = await this.revokeOne(sessionId, undefined, 'reuse');
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

  private async revokeOne(sessionId: string, userId: string | undefined, reason: RevokeReason) {
    const revoked = await this.deps.repository.revoke({
      sessionId,
      userId,
      reason: reason === 'reuse' ? 'refresh_token_reused' : reason,
      now: new Date(this.deps.clock.now()),
    });
    if (revoked) await this.denyAll([revoked], reason);
    return revoked;
  }

  private async revokeSessions(sessions: SessionRow[], reason: RevokeReason) {
    const now = new Date(this.deps.clock.now());
    for (const session of sessions) {
      const revoked = await this.deps.repository.revoke({ sessionId: session.session_id, reason, now });
      if (revoked) await this.denyAll([revoked], reason);
    }
  }

  /** Puts revoked sessions on the shared denylist so every instance refuses their tokens. */
  private async denyAll(sessions: RevokedSession[], reason: RevokeReason): Promise<void> {
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

  private async enforceSessionLimit(userId: string, now: Date, context: SignInContext): Promise<void> {
    const { config, repository } = this.deps;
    const excess = await repository.findActiveBeyondLimit(
      userId,
      config.maxSessionsPerUser,
      now,
      new Date(now.getTime() - config.inactivityTimeoutMs),
    );
    for (const sessionId of excess) {
      const revoked = await repository.revoke({ sessionId, userId, reason: 'session_limit', now });
      if (revoked) {
        await this.denyAll([revoked], 'session_limit');
        await this.deps.events.record({
          type: 'session_limit',
          userId,
          sessionId,
          // The sign-in that pushed the oldest session out.
          ipAddress: context.ipAddress,
          userAgent: context.userAgent,
          detail: { reason: 'session_limit', limit: config.maxSessionsPerUser },
          at: now,
        });
      }
    }
  }
}
