import { TenureError } from '../errors.ts';
import { isCommonPassword } from './common-passwords.ts';

/** At least 8 characters (also in the route schemas). */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * NIST SP 800-63B style: length, not composition rules; refuse passwords found in breach
 * corpora and the account's own email. Throws 400 `invalid_request`.
 */
export function assertAcceptablePassword(password: string, context: { email: string }): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new TenureError(
      'invalid_request',
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`,
    );
  }
  if (isCommonPassword(password)) {
    throw new TenureError('invalid_request', 'This password is too common. Choose a less guessable one.');
  }
  const email = context.email.trim().toLowerCase();
  const lower = password.toLowerCase();
  if (lower === email || lower === email.split('@')[0]) {
    throw new TenureError('invalid_request', 'The password must not be your email address.');
  }
}
