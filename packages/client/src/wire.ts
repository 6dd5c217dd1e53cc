import { type ErrorCode, errorStatus, refreshableCodes, sessionEndedCodes } from '@tenure/protocol';
import { AxiosHeaders, isAxiosError } from 'axios';
import type { CurrentSession, PublicUser, SessionEndCode, SessionPolicy } from './types.ts';

/** Body of `POST /login`, `/register` and `/refresh`. */
export interface AuthResponse {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: PublicUser;
  session: CurrentSession;
  /** The timeouts the server enforces, so the client never hard-codes them. */
  policy: SessionPolicy;
}

const refreshable: ReadonlySet<string> = new Set(refreshableCodes);
const sessionEnded: ReadonlySet<string> = new Set(sessionEndedCodes);

/** A 401 with one of these codes means "get a new access token and try again" — nothing else does. */
export function isRefreshableCode(code: ErrorCode | undefined): code is (typeof refreshableCodes)[number] {
  return code !== undefined && refreshable.has(code);
}

/** A 401 with one of these codes means the session itself is over: refreshing cannot help. */
export function isSessionEndedCode(code: ErrorCode | undefined): code is (typeof sessionEndedCodes)[number] {
  return code !== undefined && sessionEnded.has(code);
}

export function isSessionEndCode(code: unknown): code is SessionEndCode {
  return typeof code === 'string' && (refreshable.has(code) || sessionEnded.has(code));
}

/**
 * The `code` of a Tenure error envelope `{"error":{"code","message"}}`, if the error carries one.
 * A code Tenure does not define (the application's own API may use its own) counts as none.
 */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (!isAxiosError(error)) return undefined;
  const data: unknown = error.response?.data;
  if (typeof data !== 'object' || data === null || !('error' in data)) return undefined;
  const envelope = data.error;
  if (typeof envelope !== 'object' || envelope === null || !('code' in envelope)) return undefined;
  const code = envelope.code;
  return typeof code === 'string' && Object.hasOwn(errorStatus, code) ? (code as ErrorCode) : undefined;
}

export function statusOf(error: unknown): number | undefined {
  return isAxiosError(error) ? error.response?.status : undefined;
}

/**
 * `Retry-After` in whole seconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns undefined when absent, unparsable or not in the future.
 */
function parseRetryAfter(value: unknown, now: number): number | undefined {
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
