import type { AxiosResponse } from 'axios';
import type { AuthSnapshot } from './auth-state.ts';
import { ApiError } from './errors.ts';
import { localExpiry } from './token-store.ts';
import type { SessionPolicy } from './types.ts';
import type { AuthResponse } from './wire.ts';

/**
 * Turns a login/register/refresh response into a snapshot. A body that is not one (a proxy's
 * or a misrouted page's 200) is refused rather than half-adopted.
 */
export function readSnapshot(response: AxiosResponse<unknown>, receivedAt: number): AuthSnapshot {
  const body = response.data;
  if (!isAuthResponse(body)) {
    throw new ApiError('internal_error', response.status, { message: 'Not a Tenure sign-in response' });
  }
  const serverDate: unknown = response.headers.date;
  const expiresAtMs = localExpiry(body, receivedAt, {
    serverDate: typeof serverDate === 'string' ? serverDate : undefined,
    ttlSeconds: body.policy.accessTokenTtlSeconds,
  });
  return {
    token: { value: body.accessToken, expiresAtMs },
    accessTokenExpiresAt: body.accessTokenExpiresAt,
    user: body.user,
    session: body.session,
    policy: body.policy,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isAuthResponse(value: unknown): value is AuthResponse {
  return (
    isRecord(value) &&
    typeof value.accessToken === 'string' &&
    typeof value.accessTokenExpiresAt === 'string' &&
    isRecord(value.user) &&
    typeof value.user.id === 'string' &&
    isRecord(value.session) &&
    typeof value.session.id === 'string' &&
    isPolicy(value.policy)
  );
}

function isPolicy(value: unknown): value is SessionPolicy {
  return (
    isRecord(value) &&
    typeof value.inactivityTimeoutSeconds === 'number' &&
    typeof value.activityCheckIntervalSeconds === 'number' &&
    typeof value.accessTokenTtlSeconds === 'number' &&
    typeof value.sessionExpiresInSeconds === 'number'
  );
}
