/**
 * Why a token was refused. `invalid_token` and `token_expired` are the codes after which a
 * Tenure client refreshes its access token; `session_revoked` means the session was signed
 * out; `unavailable` means this service cannot tell right now (fail closed, retry soon).
 */
export type VerifyErrorCode = 'invalid_token' | 'token_expired' | 'session_revoked' | 'unavailable';

const statusOf: Record<VerifyErrorCode, 401 | 503> = {
  invalid_token: 401,
  token_expired: 401,
  session_revoked: 401,
  unavailable: 503,
};

const messageOf: Record<VerifyErrorCode, string> = {
  invalid_token: 'The access token is not valid.',
  token_expired: 'The access token has expired.',
  session_revoked: 'The session has been signed out.',
  unavailable: 'Sign-in cannot be checked right now. Please retry.',
};

/** The one error `verify` throws. Branch on `code`, never on `message`. */
export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  /** The HTTP status to answer with: 401, or 503 for `unavailable`. */
  readonly status: 401 | 503;

  constructor(code: VerifyErrorCode, options?: { cause?: unknown }) {
    super(messageOf[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VerifyError';
    this.code = code;
    this.status = statusOf[code];
  }
}
