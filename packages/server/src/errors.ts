/**
 * Every error a client can see: one class, a stable `code`, the HTTP status in one table.
 * Tests assert `code`, never message text.
 */
export const errorStatus = {
  invalid_request: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  token_expired: 401,
  session_expired: 401,
  session_revoked: 401,
  refresh_token_reused: 401,
  invalid_refresh_token: 401,
  csrf_rejected: 403,
  forbidden: 403,
  not_found: 404,
  session_not_found: 404,
  email_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class TenureError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds, sent as `Retry-After` (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { retryAfterSeconds?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenureError';
    this.code = code;
    this.status = errorStatus[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** PostgreSQL or Redis cannot be reached: 503, and the request changed nothing we can't redo. */
export class StoreUnavailableError extends TenureError {
  constructor(what: 'database' | 'store', cause?: unknown) {
    super('unavailable', `The ${what} is temporarily unavailable. Please retry.`, {
      retryAfterSeconds: 1,
      cause,
    });
    this.name = 'StoreUnavailableError';
  }
}

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string };
}

export function toEnvelope(error: TenureError): ErrorEnvelope {
  return { error: { code: error.code, message: error.message } };
}
