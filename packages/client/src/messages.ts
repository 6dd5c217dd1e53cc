import type { ErrorCode } from '@tenure/protocol';
import { isCancel } from 'axios';
import { ApiError, NetworkError, SessionExpiredError, TimeoutError, toClientError } from './errors.ts';

/**
 * Every sentence the client shows to people: the product's fixed wording for errors and an
 * ended session, plus the few the forms need. Other packages import these instead of writing
 * their own copy.
 */
export const messages = Object.freeze({
  forbidden: 'You do not have permission to perform this action.',
  rateLimited: 'Too many requests. Please try again later.',
  network: 'Network error. Please check your connection.',
  timeout: 'Request timeout. Please try again.',
  /** Any ended session, and the login page when the session ended before this page load. */
  sessionExpired: 'Your session has expired. Please log in again.',
  /** The login page when arriving from the Session Expired modal's "Log In Again". */
  sessionExpiredLogin: 'Your session expired. Please log in again.',
  invalidCredentials: 'Invalid email or password.',
  emailTaken: 'An account with this email already exists.',
  invalidRequest: 'Please check the details you entered and try again.',
  sessionNotFound: 'That session has already ended.',
  notFound: 'The requested item was not found.',
  unavailable: 'The service is temporarily unavailable. Please try again in a moment.',
  unexpected: 'Something went wrong. Please try again.',
  /** `logout()` rejected: the server did not confirm, so the user is still signed in. */
  signOutFailed: 'Could not sign out. Please try again.',
  /** A sensitive action needs a recent sign-in and the person did not confirm it's them. */
  reauthRequired: 'Please confirm it’s you to continue.',
  /** The wrong password in the "Confirm it's you" dialog. */
  reauthInvalidPassword: 'That password is incorrect.',
});

/**
 * 429 text. With a known wait (from `Retry-After`) it names it, rounded up:
 * under a minute in seconds ("in 1 second", "in 30 seconds"), otherwise in whole minutes
 * ("in 1 minute", "in 2 minutes" for 61–120 s). Without one it is "try again later".
 */
export function rateLimitedMessage(retryAfterSeconds?: number): string {
  if (retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds) || retryAfterSeconds <= 0) {
    return messages.rateLimited;
  }
  const seconds = Math.ceil(retryAfterSeconds);
  if (seconds < 60) return `Too many requests. Please try again in ${plural(seconds, 'second')}.`;
  return `Too many requests. Please try again in ${plural(Math.ceil(seconds / 60), 'minute')}.`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** The text for each server code; `rate_limited` names the wait when the server gave one. */
const byCode: Readonly<Record<ErrorCode, string>> = {
  invalid_request: messages.invalidRequest,
  invalid_credentials: messages.invalidCredentials,
  invalid_token: messages.sessionExpired,
  token_expired: messages.sessionExpired,
  session_expired: messages.sessionExpired,
  session_revoked: messages.sessionExpired,
  refresh_token_reused: messages.sessionExpired,
  invalid_refresh_token: messages.sessionExpired,
  reauth_required: messages.reauthRequired,
  csrf_rejected: messages.forbidden,
  forbidden: messages.forbidden,
  account_disabled: messages.forbidden,
  not_found: messages.notFound,
  session_not_found: messages.sessionNotFound,
  email_taken: messages.emailTaken,
  payload_too_large: messages.invalidRequest,
  unsupported_media_type: messages.invalidRequest,
  rate_limited: messages.rateLimited,
  internal_error: messages.unexpected,
  unavailable: messages.unavailable,
};

/**
 * The user-facing text for any error the client (or its `api` instance) rejected with.
 * Always a sentence; for a 401 it is the session-expired text (or "Invalid email or password."
 * for a failed sign-in), which forms may show inline — use {@link toastFor} to decide on a toast.
 */
export function messageFor(error: unknown, now: number = Date.now()): string {
  const typed = toClientError(error, now);
  if (typed instanceof SessionExpiredError) return messages.sessionExpired;
  if (typed instanceof TimeoutError) return messages.timeout;
  if (typed instanceof NetworkError) return messages.network;
  if (!(typed instanceof ApiError)) return messages.unexpected;
  if (typed.code === 'rate_limited') return rateLimitedMessage(typed.retryAfterSeconds);
  return byCode[typed.code];
}

/**
 * The toast to show for an error, or `null` for "show no toast": any 401 or expired session
 * (it goes through the session-expired flow — the modal — instead) and a request the app
 * cancelled itself.
 */
export function toastFor(error: unknown, now: number = Date.now()): string | null {
  if (isCancel(error)) return null;
  const typed = toClientError(error, now);
  if (typed instanceof SessionExpiredError) return null;
  if (typed instanceof ApiError && typed.status === 401) return null;
  return messageFor(typed, now);
}
