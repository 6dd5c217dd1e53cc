import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { type FailureOutcome, LoginThrottle } from '../../src/security/login-throttle.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';

// The per-account failure policy on an injected clock: 5 failures in 15 minutes, then holds
// that double, and a lock after 100 consecutive failures however slow.
const MINUTE = 60_000;
let clock: ManualClock;
let throttle: LoginThrottle;
const account = LoginThrottle.accountKey('Victim@Example.com');

beforeEach(() => {
  clock = new ManualClock();
  throttle = new LoginThrottle(new MemoryStore({ clock }));
});

async function fail(times: number) {
  let last: FailureOutcome | undefined;
  for (let i = 0; i < times; i++) {
    const gate = await throttle.check(account);
    expect(gate.allowed, `attempt ${i + 1} should be allowed`).toBe(true);
    last = await throttle.recordFailure(account);
  }
  return last!;
}

describe('login throttle', () => {
  it('the account key ignores case and surrounding spaces, and is not the email', () => {
    expect(LoginThrottle.accountKey(' victim@example.COM ')).toBe(account);
    expect(account).not.toContain('victim');
  });

  it('four failures are free; the fifth within 15 minutes holds the account for 15 minutes', async () => {
    expect((await fail(4)).blockedForMs).toBeUndefined();
    expect((await throttle.recordFailure(account)).blockedForMs).toBe(15 * MINUTE);
    expect(await throttle.check(account)).toEqual({
      allowed: false,
      retryAfterMs: 15 * MINUTE,
      locked: false,
    });
    clock.advance(15 * MINUTE - 1000);
    expect((await throttle.check(account)).allowed).toBe(false);
    clock.advance(1000);
    expect((await throttle.check(account)).allowed).toBe(true);
  });

  it('each further run of five failures doubles the hold: 15, 30, 60, 120 minutes', async () => {
    for (const minutes of [15, 30, 60, 120]) {
      expect((await fail(5)).blockedForMs).toBe(minutes * MINUTE);
      clock.advance(minutes * MINUTE);
    }
  });

  it('the hold never exceeds a day', async () => {
    for (let run = 0; run < 12; run++) {
      const outcome = await fail(5);
      expect(outcome.blockedForMs).toBeLessThanOrEqual(24 * 60 * MINUTE);
      clock.advance(outcome.blockedForMs!);
    }
  });

  it('failures spread over more than 15 minutes are not held back', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await fail(1)).blockedForMs).toBeUndefined();
      clock.advance(4 * MINUTE);
    }
  });

  it('a successful sign-in ends the run: the next hold is the first one again', async () => {
    await fail(5);
    clock.advance(15 * MINUTE);
    await fail(4);
    await throttle.recordSuccess(account);
    expect((await fail(5)).blockedForMs).toBe(15 * MINUTE);
  });

  it('the 100th consecutive failure locks the account for a day, reported once', async () => {
    const locks: number[] = [];
    for (let failure = 1; failure <= 100; failure++) {
      expect((await throttle.check(account)).allowed).toBe(true);
      const outcome = await throttle.recordFailure(account);
      if (outcome.lockedNow) locks.push(failure);
      // One failure an hour: never five in a window, so no hold — only the lock stops it.
      clock.advance(60 * MINUTE);
    }
    expect(locks).toEqual([100]);
    const gate = await throttle.check(account);
    expect(gate).toMatchObject({ allowed: false, locked: true });
    clock.advance(23 * 60 * MINUTE - 1000);
    expect((await throttle.check(account)).allowed).toBe(false);
  });

  it('a refused attempt during a hold is reported once per hold', async () => {
    await fail(5);
    expect(await throttle.firstRefusal(account, 15 * MINUTE)).toBe(true);
    expect(await throttle.firstRefusal(account, 15 * MINUTE)).toBe(false);
    clock.advance(15 * MINUTE);
    await fail(5);
    expect(await throttle.firstRefusal(account, 30 * MINUTE)).toBe(true);
  });
});
