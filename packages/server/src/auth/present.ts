import type { Config } from '../config.ts';
import type { UserRow } from '../db/schema.ts';
import type { IssuedSession } from '../sessions/session-service.ts';
import type { SignedInResponse } from './schemas.ts';

export function toPublicUser(user: UserRow) {
  return { id: user.user_id, email: user.email, name: user.name };
}

/** The body of login, register and refresh. The refresh token is included only on request. */
export function toSignedInResponse(
  issued: IssuedSession,
  user: UserRow,
  config: Readonly<Config>,
  nowMs: number,
  includeRefreshToken: boolean,
): SignedInResponse {
  return {
    accessToken: issued.accessToken,
    accessTokenExpiresAt: issued.accessTokenExpiresAt.toISOString(),
    user: toPublicUser(user),
    session: { id: issued.session.session_id, expiresAt: issued.session.expires_at.toISOString() },
    policy: {
      inactivityTimeoutSeconds: config.inactivityTimeoutMs / 1000,
      activityCheckIntervalSeconds: config.activityCheckIntervalMs / 1000,
      accessTokenTtlSeconds: config.accessTokenTtlMs / 1000,
      sessionExpiresInSeconds: Math.max(0, Math.floor((issued.session.expires_at.getTime() - nowMs) / 1000)),
    },
    ...(includeRefreshToken ? { refreshToken: issued.refreshToken } : {}),
  };
}
