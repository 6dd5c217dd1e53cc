import { createHash, createHmac, randomBytes } from 'node:crypto';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** An opaque 256-bit refresh token (base64url, 43 characters). */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isWellFormedRefreshToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** What the database stores instead of the token. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The successor of a refresh token is derived from it with a server secret, so a replay of
 * the previous token inside the grace window gets back the same successor without the
 * database ever holding a usable token, and two racing refreshes can never fork a session.
 */
export function deriveSuccessor(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('base64url');
}
