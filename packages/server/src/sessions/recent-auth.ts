import { TenureError } from '../errors.ts';
import type { Authenticated } from './session-service.ts';

/**
 * Whether the person behind this token proved who they are within `maxAgeMs`. A token that does
 * not say when (issued before tokens carried `auth_time`) is stale: it cannot show it is recent.
 */
export function isRecentAuth(
  auth: Pick<Authenticated, 'authTime'>,
  nowMs: number,
  maxAgeMs: number,
): boolean {
  if (!auth.authTime) return false;
  return nowMs - auth.authTime.getTime() <= maxAgeMs;
}

/** 401 `reauth_required`, saying how recent the sign-in must be. */
export function reauthRequired(maxAgeMs: number): TenureError {
  return new TenureError(
    'reauth_required',
    `Sign in again: this needs a sign-in within the last ${describeAge(maxAgeMs)}.`,
  );
}

/** Throws `reauth_required` unless the sign-in is recent enough. */
export function assertRecentAuth(auth: Pick<Authenticated, 'authTime'>, nowMs: number, maxAgeMs: number) {
  if (!isRecentAuth(auth, nowMs, maxAgeMs)) throw reauthRequired(maxAgeMs);
}

function describeAge(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

function plural(count: number, unit: string): string {
  return count === 1 ? unit : `${count} ${unit}s`;
}
