/**
 * `@tenure/protocol`: the names a Tenure server and its clients agree on. Both sides import
 * them from here, so a code the server can send is a code the client's types know.
 */

/** Every error code in the `{"error":{"code","message"}}` envelope, with its HTTP status. */
export const errorStatus = {
  invalid_request: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  token_expired: 401,
  session_expired: 401,
  session_revoked: 401,
  refresh_token_reused: 401,
  invalid_refresh_token: 401,
  reauth_required: 401,
  csrf_rejected: 403,
  forbidden: 403,
  account_disabled: 403,
  not_found: 404,
  session_not_found: 404,
  email_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

/** A code the server may answer with. */
export type ErrorCode = keyof typeof errorStatus;

export const errorCodes = Object.keys(errorStatus) as ErrorCode[];

/** The body of every error response. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string };
}

/** Access-token failures after which a client should try one refresh. */
export const refreshableCodes = ['token_expired', 'invalid_token'] as const satisfies readonly ErrorCode[];

/** Refresh failures that mean the session is over and the user must sign in again. */
export const sessionEndedCodes = [
  'session_expired',
  'session_revoked',
  'refresh_token_reused',
  'invalid_refresh_token',
] as const satisfies readonly ErrorCode[];

export const deviceTypes = ['desktop', 'mobile', 'tablet'] as const;
/** The kind of device a session was signed in on. */
export type DeviceType = (typeof deviceTypes)[number];

/**
 * Why a session ended: one closed list shared by storage, the audit log, metrics and webhooks.
 * - `signed_out`: the user signed out on that device
 * - `revoked`: the user signed it out from another device, or signed out all others
 * - `password_change`: the password changed
 * - `session_limit`: a new sign-in went over the per-user session cap
 * - `reuse`: a refresh token was used again after its grace window (theft)
 * - `expired`: idle or absolute expiry
 * - `admin`: an operator signed it out
 * - `user_disabled`: an operator disabled the account
 */
export const endReasons = [
  'signed_out',
  'revoked',
  'password_change',
  'session_limit',
  'reuse',
  'expired',
  'admin',
  'user_disabled',
] as const;
export type EndReason = (typeof endReasons)[number];
