import { type ErrorCode, type ErrorEnvelope, errorStatus } from '@tenure/protocol';

/**
 * Every error a client can see: one class, a stable `code`, the HTTP status in one table.
 * Tests assert `code`, never message text.
 */
export { type ErrorCode, type ErrorEnvelope, errorStatus } from '@tenure/protocol';

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

  /** For error handlers that read Fastify's convention (an adopting app's own handler). */
  get statusCode(): number {
    return this.status;
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

export function toEnvelope(error: TenureError): ErrorEnvelope {
  return { error: { code: error.code, message: error.message } };
}
