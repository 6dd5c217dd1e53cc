import type { ErrorCode } from '@tenure/protocol';
import { isAxiosError, isCancel } from 'axios';
import type { SessionEndCode } from './types.ts';
import { errorCodeOf, retryAfterOf, statusOf } from './wire.ts';

/** Every `code` a client error can carry: the server's codes and the client's own. */
export type ClientErrorCode = ErrorCode | 'network_error' | 'timeout' | 'session_expired';

/**
 * Base class of every error the client throws. `code` is stable and safe to branch on;
 * `message` is for developers — show users `messageFor(error)` instead.
 */
export class TenureClientError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenureClientError';
    this.code = code;
  }
}

/**
 * The session is over (expired, idle, revoked, or its refresh token was reused) and a new
 * sign-in is needed. `reason` is the server's code, e.g. `session_revoked`.
 */
export class SessionExpiredError extends TenureClientError {
  override readonly code = 'session_expired';
  readonly reason: SessionEndCode;

  constructor(reason: SessionEndCode, options?: { cause?: unknown }) {
    super('session_expired', `Session ended (${reason})`, options);
    this.name = 'SessionExpiredError';
    this.reason = reason;
  }
}

/** No response arrived: offline, DNS, CORS or a dropped connection. */
export class NetworkError extends TenureClientError {
  override readonly code = 'network_error';

  constructor(options?: { cause?: unknown }) {
    super('network_error', 'No response from the server', options);
    this.name = 'NetworkError';
  }
}

/** The request took longer than `timeoutMs`. */
export class TimeoutError extends TenureClientError {
  override readonly code = 'timeout';

  constructor(options?: { cause?: unknown }) {
    super('timeout', 'The request timed out', options);
    this.name = 'TimeoutError';
  }
}

/**
 * The server answered with an error. `code` is the server's code (e.g. `email_taken`); a response
 * without a Tenure code (the application's own API, a proxy's error page) is named by its status.
 */
export class ApiError extends TenureClientError {
  override readonly code: ErrorCode;
  readonly status: number;
  /** From `Retry-After` (429, 503), in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    status: number,
    options?: { message?: string; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(code, options?.message ?? `Request failed with status ${status} (${code})`, options);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/**
 * The server wants a recent sign-in for this request (`reauth_required`) and the person did not
 * confirm it's them (`cancelReauth()`), or a confirmed retry was still refused. The session is fine.
 */
export class ReauthRequiredError extends ApiError {
  override readonly code = 'reauth_required';

  constructor(options?: { message?: string; cause?: unknown }) {
    super('reauth_required', 401, {
      message: options?.message ?? 'A recent sign-in is required',
      ...options,
    });
    this.name = 'ReauthRequiredError';
  }
}

/** Axios reports a timeout as ETIMEDOUT (clarifyTimeoutError) or, by default, ECONNABORTED. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ECONNABORTED']);

/** Turn whatever axios threw into one of the typed errors above (ours pass through unchanged). */
export function toClientError(error: unknown, now: number = Date.now()): unknown {
  if (error instanceof TenureClientError || !isAxiosError(error) || isCancel(error)) return error;
  if (error.code !== undefined && TIMEOUT_CODES.has(error.code)) return new TimeoutError({ cause: error });
  const status = statusOf(error);
  if (status === undefined) return new NetworkError({ cause: error });
  return new ApiError(errorCodeOf(error) ?? codeForStatus(status), status, {
    cause: error,
    retryAfterSeconds: retryAfterOf(error, now),
  });
}

const codeByStatus: Readonly<Partial<Record<number, ErrorCode>>> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

function codeForStatus(status: number): ErrorCode {
  return codeByStatus[status] ?? (status < 500 ? 'invalid_request' : 'internal_error');
}
