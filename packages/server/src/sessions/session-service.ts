import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { SessionRow } from '../db/schema.ts';
import { TenureError } from '../errors.ts';
import type { Metrics, RevokeReason } from '../ops/metrics.ts';
import type { SecurityEvents } from '../security-events/security-events.ts';
import type { Store } from '../store/store.ts';
import type { AccessTokens } from '../tokens/access-token.ts';
import { generateRefreshToken, hashRefreshToken, isWellFormedRefreshToken } from '../tokens/refresh-token.ts';
import type { ActivityTracker } from './activity.ts';
import { RefreshRotation } from './refresh-rotation.ts';
import { Revocations } from './revocation.ts';
import type { SessionRepository } from './session-repository.ts';
import type { SignInContext } from './sign-in-context.ts';

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

/** Sessions: sign-in, rotation, revocation, listing and the per-request check. */
export class SessionService {
  private readonly revocations: Revocations;
  private readonly rotation: RefreshRotation;

  constructor(private readonly deps: SessionServiceDeps) {
    this.revocations = new Revocations(deps);
    this.rotation = new RefreshRotation(deps, this.revocations, (session, token) =>
      this.issue(session, token),
    );
  }

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

  /** Rotation: see `refresh-rotation.ts`. */
  refresh(refreshToken: string, context: SignInContext): Promise<IssuedSession> {
    return this.rotation.refresh(refreshToken, context);
  }

  /** Revokes the session (any owner) on logout; idempotent. */
  async logout(sessionId: string, context: SignInContext): Promise<void> {
    const revoked = await this.revocations.revokeOne(sessionId, undefined, 'logout');
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
    const revoked = await this.revocations.revokeOne(sessionId, userId, 'user');
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
    const revoked = await this.revocations.revokeAllExcept(userId, currentSessionId, 'revoke_all');
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
    return (await this.revocations.revokeAllExcept(userId, keepSessionId, reason)).length;
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
        await this.revocations.deny([revoked], 'session_limit');
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
