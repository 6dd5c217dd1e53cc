import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createVerifier } from '../src/index.ts';
import { outcome } from './helpers/outcomes.ts';
import { FEED_TOKEN, startTenureServer, type TenureServer } from './helpers/tenure-server.ts';

// Edge runtimes may not run timers between requests: the copy must catch up on demand.
let server: TenureServer;
const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startTenureServer();
});
afterAll(async () => {
  vi.useRealTimers();
  await server?.close();
});

it('in feed mode, a verify that finds the copy out of date polls and then answers, timers or not', async () => {
  const laptop = await server.signUp();
  const phone = await server.signIn(laptop);
  // Timers scheduled from here on never fire; the clock (Date) stays real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
  const verifier = createVerifier({
    issuer: server.issuer,
    audience: server.audience,
    jwksUrl: server.jwksUrl,
    revocations: { feedUrl: server.feedUrl, token: FEED_TOKEN, intervalMs: 200 },
    maxStalenessMs: 400,
  });
  expect(await outcome(verifier, phone.accessToken)).toBe('ok');
  await server.revoke(laptop, phone.sessionId);
  // The next poll waits on a fake timer, which will never fire.
  expect(vi.getTimerCount()).toBeGreaterThan(0);
  vi.useRealTimers();
  await realSleep(500);
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
  // No background poll has run; this verify finds the copy stale, polls, and sees the sign-out.
  expect(await outcome(verifier, phone.accessToken)).toBe('session_revoked');
  expect(await outcome(verifier, laptop.accessToken)).toBe('ok');
  vi.useRealTimers();
  await verifier.close();
});
