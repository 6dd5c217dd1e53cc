import type { AxiosInstance, AxiosResponse } from 'axios';
import type { AuthSnapshot } from './auth-state.ts';
import { ApiError } from './errors.ts';
import { localExpiry } from './token-store.ts';
import type { SessionPolicy } from './types.ts';
import type { AuthResponse } from './wire.ts';

/**
 * Turns login/register/refresh responses into snapshots. The timeouts come from the server:
 * from the response's `policy`, or — for a server that leaves it out — `GET /api/auth/config`,
 * fetched once.
 */
export function createSnapshotReader(bare: AxiosInstance, now: () => number) {
  let knownPolicy: SessionPolicy | undefined;

  async function policyFrom(body: AuthResponse): Promise<SessionPolicy> {
    if (isPolicy(body.policy)) knownPolicy = body.policy;
    if (knownPolicy === undefined) {
      // `GET /api/auth/config` answers the policy object itself (tolerate `{ policy }` too).
      const config = await bare.get<unknown>('/config');
      const policy = isRecord(config.data) && 'policy' in config.data ? config.data.policy : config.data;
      if (!isPolicy(policy)) throw new ApiError('invalid_response', config.status);
      knownPolicy = policy;
    }
    return knownPolicy;
  }

  return async function read(response: AxiosResponse<unknown>): Promise<AuthSnapshot> {
    const receivedAt = now();
    const body = response.data;
    if (!isAuthResponse(body)) throw new ApiError('invalid_response', response.status);
    const policy = await policyFrom(body);
    const serverDate: unknown = response.headers.date;
    const expiresAtMs = localExpiry(body, receivedAt, {
      serverDate: typeof serverDate === 'string' ? serverDate : undefined,
      ttlSeconds: policy.accessTokenTtlSeconds,
    });
    return {
      token: { value: body.accessToken, expiresAtMs },
      accessTokenExpiresAt: body.accessTokenExpiresAt,
      user: body.user,
      session: body.session,
      policy,
    };
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
    typeof value.session.id === 'string'
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
