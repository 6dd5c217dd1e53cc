import { AxiosHeaders, isAxiosError } from 'axios';
import type { CurrentSession, PublicUser, SessionPolicy } from './types.ts';

/** Body of `POST /login`, `/register` and `/refresh` (SPEC §4). */
export interface AuthResponse {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: PublicUser;
  session: CurrentSession;
  /** Sent by the server so the client never hard-codes timeouts; older servers may omit it. */
  policy?: SessionPolicy;
}

/** A 401 with one of these codes means "get a new access token and try again" — nothing else does. */
export const REFRESHABLE_CODES: ReadonlySet<string> = new Set(['token_expired', 'invalid_token']);

/** A 401 with one of these codes means the session itself is over: refreshing cannot help. */
export const SESSION_ENDED_CODES: ReadonlySet<string> = new Set([
  'session_expired',
  'session_revoked',
  'refresh_token_reused',
  'invalid_refresh_token',
]);

/** The `code` of the server's error envelope `{"error":{"code","message"}}`, if the error carries one. */
export function errorCodeOf(error: unknown): string | undefined {
  if (!isAxiosError(error)) return undefined;
  const data: unknown = error.response?.data;
  if (typeof data !== 'object' || data === null || !('error' in data)) return undefined;
  const envelope = data.error;
  if (typeof envelope !== 'object' || envelope === null || !('code' in envelope)) return undefined;
  return typeof envelope.code === 'string' ? envelope.code : undefined;
}

export function statusOf(error: unknown): number | undefined {
  return isAxiosError(error) ? error.response?.status : undefined;
}

/**
 * `Retry-After` in whole seconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns undefined when absent, unparsable or not in the future.
 */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return seconds > 0 ? seconds : undefined;
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const seconds = Math.ceil((at - now) / 1000);
  return seconds > 0 ? seconds : undefined;
}

/** Retry-After of an axios error response, in seconds. */
export function retryAfterOf(error: unknown, now: number): number | undefined {
  if (!isAxiosError(error) || !error.response) return undefined;
  const value: unknown = AxiosHeaders.from(error.response.headers as AxiosHeaders).get('retry-after');
  return parseRetryAfter(value, now);
}
