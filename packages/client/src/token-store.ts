import type { AuthResponse } from './wire.ts';

/** The access token and when it stops working, on this machine's clock. */
export interface AccessToken {
  readonly value: string;
  /** Local epoch milliseconds. */
  readonly expiresAtMs: number;
}

/**
 * Holds the access token in a closure — never localStorage or sessionStorage, so a stored
 * copy cannot outlive the tab or be read by other origins' scripts sharing the storage.
 */
export interface TokenStore {
  get(): AccessToken | undefined;
  set(token: AccessToken): void;
  clear(): void;
  /** True when there is no token or it expires within `leewayMs`. */
  isStale(now: number, leewayMs: number): boolean;
}

export function createTokenStore(): TokenStore {
  let current: AccessToken | undefined;
  return {
    get: () => current,
    set(token) {
      current = token;
    },
    clear() {
      current = undefined;
    },
    isStale: (now, leewayMs) => current === undefined || current.expiresAtMs - leewayMs <= now,
  };
}

/**
 * Local expiry of a fresh token. The server's `accessTokenExpiresAt` is on the server's clock;
 * measuring the remaining lifetime against the response's `Date` header (when readable) keeps a
 * skewed client clock from refreshing on every request or never refreshing at all.
 */
export function localExpiry(
  body: Pick<AuthResponse, 'accessTokenExpiresAt'>,
  receivedAt: number,
  options: { serverDate: string | undefined; ttlSeconds: number },
): number {
  const expiresAt = Date.parse(body.accessTokenExpiresAt);
  const serverNow = options.serverDate === undefined ? Number.NaN : Date.parse(options.serverDate);
  const ttlMs = options.ttlSeconds * 1000;
  let lifetimeMs = expiresAt - (Number.isNaN(serverNow) ? receivedAt : serverNow);
  if (Number.isNaN(lifetimeMs)) lifetimeMs = ttlMs;
  lifetimeMs = Math.min(lifetimeMs, ttlMs);
  // A clock far ahead of the server makes the token look dead on arrival; trust the TTL then.
  if (lifetimeMs <= 0) lifetimeMs = ttlMs;
  return receivedAt + Math.max(0, lifetimeMs);
}
