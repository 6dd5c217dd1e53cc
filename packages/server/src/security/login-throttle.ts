import { createHash } from 'node:crypto';
import type { Store } from '../store/store.ts';
import { loginThrottlePolicy } from './limits.ts';

export type ThrottlePolicy = typeof loginThrottlePolicy;

export type LoginGate = { allowed: true } | { allowed: false; retryAfterMs: number; locked: boolean };

export interface FailureOutcome {
  consecutiveFailures: number;
  /** This failure started a hold of the account (the next attempts get 429). */
  blockedForMs: number | undefined;
  /** This failure locked the account (the 100th consecutive one). */
  lockedNow: boolean;
}

/**
 * Failed sign-ins per account, counted in the shared Store so every instance sees them.
 *
 * - `freeFailures` failures within `windowMs` are free; the one that reaches the limit holds
 *   the account back for `windowMs`, and every further five consecutive failures double the
 *   hold (exponential backoff, capped at `maxBlockMs`).
 * - Attempts refused during a hold are not counted: an attacker cannot stretch a victim's
 *   hold by hammering, and gains no guesses either.
 * - `lockAfterConsecutiveFailures` failures in a row, however slow, lock the account for
 *   `lockMs` (an `account_locked` event); slow guessing cannot go on for ever.
 * - Unknown emails are counted exactly like real accounts, so the limiter does not tell them apart.
 * - A successful sign-in ends the run.
 */
export class LoginThrottle {
  constructor(
    private readonly store: Store,
    private readonly policy: ThrottlePolicy = loginThrottlePolicy,
  ) {}

  /** Counter keys use a hash of the normalised email: no address sits in Redis. */
  static accountKey(email: string): string {
    return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
  }

  async check(account: string): Promise<LoginGate> {
    const [lock, block] = await Promise.all([
      this.store.peek(this.key('lock', account)),
      this.store.peek(this.key('block', account)),
    ]);
    if (lock.count > 0) return { allowed: false, retryAfterMs: lock.resetInMs, locked: true };
    if (block.count > 0) return { allowed: false, retryAfterMs: block.resetInMs, locked: false };
    return { allowed: true };
  }

  async recordFailure(account: string): Promise<FailureOutcome> {
    const { policy } = this;
    const [recent, streak] = await Promise.all([
      this.store.hit(this.key('recent', account), policy.windowMs),
      // Every failure restarts the memory window: a run is forgotten only after a quiet spell.
      this.store.hit(this.key('streak', account), policy.streakMemoryMs, { max: 0, onExceed: 'restart' }),
    ]);
    const consecutiveFailures = streak.count;
    if (consecutiveFailures >= policy.lockAfterConsecutiveFailures) {
      const lock = await this.store.hit(this.key('lock', account), policy.lockMs);
      return { consecutiveFailures, blockedForMs: policy.lockMs, lockedNow: lock.count === 1 };
    }
    if (recent.count < policy.freeFailures) {
      return { consecutiveFailures, blockedForMs: undefined, lockedNow: false };
    }
    const doublings = Math.max(0, Math.floor(consecutiveFailures / policy.freeFailures) - 1);
    const blockedForMs = Math.min(policy.windowMs * 2 ** doublings, policy.maxBlockMs);
    await Promise.all([
      this.store.hit(this.key('block', account), blockedForMs),
      // The hold replaces the window: after it, the account gets a fresh (shorter) allowance.
      this.store.reset(this.key('recent', account)),
    ]);
    return { consecutiveFailures, blockedForMs, lockedNow: false };
  }

  /** True for the first refused attempt of a hold, so it is reported once, not per attempt. */
  firstRefusal(account: string, holdMs: number): Promise<boolean> {
    return this.store.claim(`login-reported:${account}`, Math.max(1000, holdMs));
  }

  async recordSuccess(account: string): Promise<void> {
    await Promise.all(
      (['recent', 'streak', 'block'] as const).map((part) => this.store.reset(this.key(part, account))),
    );
  }

  private key(part: 'recent' | 'streak' | 'block' | 'lock', account: string): string {
    return `login-${part}:${account}`;
  }
}
