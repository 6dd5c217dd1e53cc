import { isAxiosError, isCancel } from 'axios';
import { errorCodeOf, retryAfterOf, statusOf } from './wire.ts';

/**
 * Base class of every error the client throws. `code` is stable and safe to branch on;
 * `message` is for developers — show users `messageFor(error)` instead.
 */
export class TenureClientError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
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
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
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

/** The server answered with an error envelope; `code` is the server's code (e.g. `email_taken`). */
export class ApiError extends TenureClientError {
  readonly status: number;
  /** From `Retry-After` (429, 503), in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    status: number,
    options?: { message?: string; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(code, options?.message ?? `Request failed with status ${status} (${code})`, options);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
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
  return new ApiError(errorCodeOf(error) ?? `http_${status}`, status, {
    cause: error,
    retryAfterSeconds: retryAfterOf(error, now),
  });
}
