import { isCancel } from 'axios';
import { ApiError, NetworkError, SessionExpiredError, TimeoutError, toClientError } from './errors.ts';

/**
 * Every sentence the client shows to people (SPEC §6 word for word, plus the few the forms need).
 * Other packages import these instead of writing their own copy.
 */
export const messages = Object.freeze({
  forbidden: 'You do not have permission to perform this action.',
  rateLimited: 'Too many requests. Please try again later.',
  network: 'Network error. Please check your connection.',
  timeout: 'Request timeout. Please try again.',
  /** SPEC §6: the modal's explanation and the login page after a session ended on page load. */
  sessionExpired: 'Your session has expired. Please log in again.',
  /** SPEC §7: the login page when arriving from the modal's "Log In Again". */
  sessionExpiredLogin: 'Your session expired. Please log in again.',
  invalidCredentials: 'Invalid email or password.',
  emailTaken: 'An account with this email already exists.',
  invalidRequest: 'Please check the details you entered and try again.',
  sessionNotFound: 'That session has already ended.',
  notFound: 'The requested item was not found.',
  unavailable: 'The service is temporarily unavailable. Please try again in a moment.',
  unexpected: 'Something went wrong. Please try again.',
});

/**
 * 429 text. With a known wait (from `Retry-After`) it names it, rounded up:
 * under a minute in seconds ("in 1 second", "in 30 seconds"), otherwise in whole minutes
 * ("in 1 minute", "in 2 minutes" for 61–120 s). Without one it is SPEC §6's "try again later".
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

const byCode: Readonly<Record<string, string>> = {
  invalid_credentials: messages.invalidCredentials,
  email_taken: messages.emailTaken,
  invalid_request: messages.invalidRequest,
  session_not_found: messages.sessionNotFound,
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
  const known = byCode[typed.code];
  if (known !== undefined) return known;
  if (typed.status === 401) return messages.sessionExpired;
  if (typed.status === 403) return messages.forbidden;
  if (typed.status === 404) return messages.notFound;
  if (typed.status === 429) return rateLimitedMessage(typed.retryAfterSeconds);
  if (typed.status === 503) return messages.unavailable;
  if (typed.status === 400 || typed.status === 413 || typed.status === 415) return messages.invalidRequest;
  return messages.unexpected;
}

/**
 * The toast to show for an error, or `null` for "show no toast": any 401 or expired session
 * (SPEC §6: it goes through the session-expired flow — the modal — instead) and a request the
 * app cancelled itself.
 */
export function toastFor(error: unknown, now: number = Date.now()): string | null {
  if (isCancel(error)) return null;
  const typed = toClientError(error, now);
  if (typed instanceof SessionExpiredError) return null;
  if (typed instanceof ApiError && typed.status === 401) return null;
  return messageFor(typed, now);
}
