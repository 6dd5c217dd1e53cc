/**
 * Request limits. Counters live in the shared Store, so every instance enforces the
 * same budget; IP limits key on `request.ip`, which honours `X-Forwarded-For` only through
 * TRUST_PROXY, so a client cannot reset a limit by inventing a header.
 */
export const requestLimits = {
  /** Sign-in attempts per client IP (all outcomes): password spraying across accounts. */
  'login-ip': { max: 60, windowMs: 5 * 60_000, per: 'ip' },
  /** Accounts created per client IP. */
  'register-ip': { max: 30, windowMs: 60 * 60_000, per: 'ip' },
  /** Refreshes per client IP: generous, a whole office may share one address. */
  'refresh-ip': { max: 300, windowMs: 5 * 60_000, per: 'ip' },
  /** Refreshes per session: a client refreshes every few minutes; tabs racing stay well below. */
  'refresh-session': { max: 30, windowMs: 60_000, per: 'session' },
  /** Password changes per session: guessing the current password with a stolen access token. */
  'password-session': { max: 5, windowMs: 15 * 60_000, per: 'auth-session' },
} as const;

export type LimitName = keyof typeof requestLimits;

/** Failed sign-ins per account. */
export const loginThrottlePolicy = {
  /** Failures allowed in one window before the account is held back. */
  freeFailures: 5,
  windowMs: 15 * 60_000,
  /** The first hold lasts `windowMs`; each further five consecutive failures double it, up to this. */
  maxBlockMs: 24 * 60 * 60_000,
  /** NIST SP 800-63B: no more than 100 consecutive failures before the account is locked. */
  lockAfterConsecutiveFailures: 100,
  lockMs: 24 * 60 * 60_000,
  /** How long a run of failures is remembered after the last one. */
  streakMemoryMs: 30 * 24 * 60 * 60_000,
} as const;
