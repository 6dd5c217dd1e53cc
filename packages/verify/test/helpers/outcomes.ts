import { expect } from 'vitest';
import { type Verifier, VerifyError } from '../../src/index.ts';

/** `ok`, or the code `verify` threw. */
export async function outcome(verifier: Verifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(VerifyError);
    return (error as VerifyError).code;
  }
}

/**
 * Polls `verify` (every 5 ms) until it answers `expected`; resolves how long that took.
 * Fails the test if it has not within `withinMs`.
 */
export async function refusedWithin(
  verifier: Verifier,
  token: string,
  expected: string,
  withinMs: number,
): Promise<number> {
  const started = performance.now();
  let last = '';
  while (performance.now() - started <= withinMs) {
    last = await outcome(verifier, token);
    if (last === expected) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`verify still answered "${last}", not "${expected}", after ${withinMs} ms`);
}
