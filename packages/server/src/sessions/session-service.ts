import { randomUUID } from 'node:crypto';
import type { EndReason } from '@tenure/protocol';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { SessionRow } from '../db/schema.ts';
import { TenureError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { AccessClaims, AccessTokens } from '../tokens/access-token.ts';
import { generateRefreshToken, hashRefreshToken, isWellFormedRefreshToken } from '../tokens/refresh-token.ts';
import { effectiveLastActive } from './active.ts';
import type { ActivityTracker } from './activity.ts';
import { Endings } from './endings.ts';
import type { EndingCause, SessionOutcomes } from './outcomes.ts';
import { RefreshRotation } from './refresh-rotation.ts';
import type { SessionRepository } from './session-repository.ts';
import type { SignInContext } from './sign-in-context.ts';
import { type SignInHistory, SignIns } from './sign-ins.ts';
import { RefreshTokenLookups } from './token-lookups.ts';

export interface IssuedSession {
  session: SessionRow;
  refreshToken: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
}

/** Who an access token speaks for: set as `request.auth` on protected routes. */
export interface Authenticated {
  userId: string;
  sessionId: string;
  /** When the person last proved who they are; absent when the token does not say (stale). */
  authTime?: Date;
}

/** A fresh access token for a session whose refresh token stays as it is (re-authentication). */
export type ReissuedSession = Omit<IssuedSession, 'refreshToken'>;

export type SessionPolicy = Pick<
  Config,
  | 'sessionExpiryMs'
  | 'inactivityTimeoutMs'
  | 'accessTokenTtlMs'
  | 'maxSessionsPerUser'
  | 'refreshReuseGraceMs'
>;

export interface SessionServiceDeps {
  policy: SessionPolicy;
  clock: Clock;
  repository: SessionRepository;
  store: Store;
  activity: ActivityTracker;
  accessTokens: AccessTokens;
  outcomes: SessionOutcomes;
  history: SignInHistory;
  /** HMAC key from which successor refresh tokens are derived. */
  refreshSecret: string;
}

/** Sessions: sign-in, rotation, endings, listing and the per-request check. */
export class SessionService {
  readonly endings: Endings;
  private readonly rotation: RefreshRotation;
  private readonly signIns: SignIns;
  private readonly tokenLookups: RefreshTokenLookups;

  constructor(private readonly deps: SessionServiceDeps) {
    const { policy } = deps;
    this.endings = new Endings({
      ...deps,
      accessTokenTtlMs: policy.accessTokenTtlMs,
      inactivityTimeoutMs: policy.inactivityTimeoutMs,
    });
    this.tokenLookups = new RefreshTokenLookups((hash) => deps.repository.findByTokenHash(hash));
    this.rotation = new RefreshRotation({
      ...deps,
      endings: this.endings,
      findByTokenHash: (hash) => this.tokenLookups.take(hash),
      inactivityTimeoutMs: policy.inactivityTimeoutMs,
      refreshReuseGraceMs: policy.refreshReuseGraceMs,
      issue: (session, token) => this.issue(session, token),
    });
    this.signIns = new SignIns({ ...deps, endings: this.endings });
  }

  /** The per-request check: no database, no network. */
  async authenticate(accessToken: string): Promise<Authenticated> {
    return this.admit(await this.deps.accessTokens.verify(accessToken));
  }

  /**
   * `authenticate` for a token this instance verified before, without a promise (the hot path of
   * every protected request); undefined when the token is not in the cache (call `authenticate`).
   */
  authenticateCached(accessToken: string): Authenticated | undefined {
    const claims = this.deps.accessTokens.cached(accessToken);
    return claims && this.admit(claims);
  }

  /** A verified token's session, unless it has ended: throws `session_revoked`. */
  private admit(claims: AccessClaims): Authenticated {
    if (this.deps.store.isSessionDenied(claims.sid)) {
      void this.deps.outcomes.emit({ type: 'token_refused', sessionId: claims.sid });
      throw new TenureError('session_revoked', 'This session has been signed out.');
    }
    this.deps.activity.record(claims.sid);
    return {
      userId: claims.sub,
      sessionId: claims.sid,
      ...(claims.auth_time !== undefined && { authTime: new Date(claims.auth_time * 1000) }),
    };
  }

  /** A new session for `userId`: device capture, new-device events and the session cap. */
  async start(
    userId: string,
    context: SignInContext,
    options: { firstSignIn: boolean },
  ): Promise<IssuedSession> {
    const now = new Date(this.deps.clock.now());
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
      expires_at: new Date(now.getTime() + this.deps.policy.sessionExpiryMs),
      is_revoked: false,
      revoked_at: null,
      revoked_reason: null,
      auth_time: now,
    };
    await this.signIns.record(session, context, options);
    return this.issue(session, refreshToken);
  }

  /**
   * The person just proved who they are again (`/reauth`, `reply.confirmAuth()`): the session's
   * `auth_time` becomes now and a fresh access token says so. Same session, and the refresh
   * token is not rotated, so no other tab or device holding it is disturbed.
   */
  async confirmAuth(auth: Authenticated): Promise<ReissuedSession> {
    const now = new Date(this.deps.clock.now());
    const session = await this.deps.repository.confirmAuth({ ...auth, now });
    if (!session) throw new TenureError('session_revoked', 'This session has been signed out.');
    const { refreshToken: _unchanged, ...reissued } = await this.issue(session, '');
    return reissued;
  }

  /** Rotation: see `refresh-rotation.ts`. */
  refresh(refreshToken: string, context: SignInContext): Promise<IssuedSession> {
    return this.rotation.refresh(refreshToken, context);
  }

  /** Signs the session out (any owner) on logout; idempotent. */
  async logout(sessionId: string, context: SignInContext): Promise<void> {
    await this.endings.end({ sessionId }, 'signed_out', {
      actor: 'user',
      scope: 'one',
      bySessionId: sessionId,
      context,
    });
  }

  /** `DELETE /sessions/:id`: 404 alike for unknown, ended and other users' sessions. */
  async revokeByUser(userId: string, sessionId: string, currentSessionId: string, context: SignInContext) {
    const cause: EndingCause = { actor: 'user', scope: 'one', bySessionId: currentSessionId, context };
    const ended = await this.endings.end({ sessionId, userId }, 'revoked', cause);
    if (ended.length === 0) throw new TenureError('session_not_found', 'No such session.');
  }

  async revokeAllOthers(userId: string, currentSessionId: string, context: SignInContext): Promise<number> {
    const cause: EndingCause = { actor: 'user', scope: 'all', bySessionId: currentSessionId, context };
    return (await this.endings.end({ userId, exceptSessionId: currentSessionId }, 'revoked', cause)).length;
  }

  /** Every active session of the user except `keepSessionId` (a password change, an operator). */
  async endAllOf(userId: string, keepSessionId: string | null, reason: EndReason, cause: EndingCause) {
    return (await this.endings.end({ userId, exceptSessionId: keepSessionId }, reason, cause)).length;
  }

  /** Active sessions, current first, then most recently active. */
  async list(userId: string, currentSessionId: string): Promise<SessionRow[]> {
    const rows = await this.deps.repository.findActiveByUser(userId, new Date(this.deps.clock.now()));
    const current = rows.find((row) => row.session_id === currentSessionId);
    if (!current) return rows;
    // This instance may hold activity for the current session it has not written yet.
    current.last_active = new Date(this.lastActive(current));
    return [current, ...rows.filter((row) => row !== current)];
  }

  /** `last_active`, including activity this instance has not written yet. */
  lastActive(session: SessionRow): number {
    return effectiveLastActive(session, this.deps.activity.lastActivity(session.session_id));
  }

  /** The session a refresh token (current or previous) belongs to, without using it. */
  async sessionIdOfRefreshToken(refreshToken: string): Promise<string | undefined> {
    if (!isWellFormedRefreshToken(refreshToken)) return undefined;
    return (await this.tokenLookups.find(hashRefreshToken(refreshToken)))?.session_id;
  }

  findSession(sessionId: string): Promise<SessionRow | undefined> {
    return this.deps.repository.findById(sessionId);
  }

  private async issue(session: SessionRow, refreshToken: string): Promise<IssuedSession> {
    const { policy, clock } = this.deps;
    const expiresAtMs = Math.min(clock.now() + policy.accessTokenTtlMs, session.expires_at.getTime());
    const accessToken = await this.deps.accessTokens.sign({
      userId: session.user_id,
      sessionId: session.session_id,
      expiresAtMs,
      // The session's, never now: a refresh is not a sign-in.
      authTime: session.auth_time,
    });
    // JWT `exp` has whole seconds; report what the token actually says.
    return {
      session,
      refreshToken,
      accessToken,
      accessTokenExpiresAt: new Date(Math.floor(expiresAtMs / 1000) * 1000),
    };
  }
}
