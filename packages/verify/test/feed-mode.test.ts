import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../src/index.ts';
import { outcome, refusedWithin } from './helpers/outcomes.ts';
import { TcpProxy } from './helpers/tcp-proxy.ts';
import { FEED_TOKEN, startTenureServer, type TenureServer } from './helpers/tenure-server.ts';

// Feed mode against the real server's GET /api/auth/revocations.
const INTERVAL_MS = 500;
const MAX_STALENESS_MS = 1500;
let server: TenureServer;
let proxy: TcpProxy;
const verifiers: Verifier[] = [];

beforeAll(async () => {
  server = await startTenureServer();
  proxy = await TcpProxy.start(server.url);
});
afterAll(async () => {
  await Promise.all(verifiers.map((v) => v.close()));
  await proxy?.close();
  await server?.close();
});

function feedVerifier(options: { feedUrl?: string; token?: string; onError?: (e: unknown) => void } = {}) {
  const verifier = createVerifier({
    issuer: server.issuer,
    audience: server.audience,
    jwksUrl: server.jwksUrl,
    revocations: {
      feedUrl: options.feedUrl ?? server.feedUrl,
      token: options.token ?? FEED_TOKEN,
      intervalMs: INTERVAL_MS,
    },
    maxStalenessMs: MAX_STALENESS_MS,
    onError: options.onError ?? (() => {}),
  });
  verifiers.push(verifier);
  return verifier;
}

describe('feed mode', () => {
  it('refuses a session signed out through the API within intervalMs + 1 s (p100 of 5)', async () => {
    const verifier = feedVerifier();
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const laptop = await server.signUp();
      const phone = await server.signIn(laptop);
      expect(await outcome(verifier, phone.accessToken)).toBe('ok');
      await server.revoke(laptop, phone.sessionId);
      times.push(await refusedWithin(verifier, phone.accessToken, 'session_revoked', INTERVAL_MS + 1000));
      expect(await outcome(verifier, laptop.accessToken)).toBe('ok');
    }
    console.info(
      `feed mode (intervalMs ${INTERVAL_MS}): refused after ${times.map((t) => `${Math.round(t)} ms`).join(', ')}`,
    );
  });

  it('refuses from its first answer a session signed out before it started', async () => {
    const laptop = await server.signUp();
    const phone = await server.signIn(laptop);
    await server.revoke(laptop, phone.sessionId);
    const verifier = feedVerifier();
    expect(await outcome(verifier, phone.accessToken)).toBe('session_revoked');
    expect(await outcome(verifier, laptop.accessToken)).toBe('ok');
  });

  it('fails closed when the feed is down longer than maxStalenessMs, and catches up when it is back', async () => {
    const verifier = feedVerifier({ feedUrl: proxy.urlFor(server.feedUrl) });
    const laptop = await server.signUp();
    const phone = await server.signIn(laptop);
    expect(await outcome(verifier, phone.accessToken)).toBe('ok');

    proxy.cut();
    const tookMs = await refusedWithin(verifier, laptop.accessToken, 'unavailable', MAX_STALENESS_MS + 1000);
    console.info(
      `feed mode: unavailable ${Math.round(tookMs)} ms after the feed went down (max ${MAX_STALENESS_MS})`,
    );
    // Signed out while this verifier could not hear of it.
    await server.revoke(laptop, phone.sessionId);

    proxy.restore();
    await refusedWithin(verifier, laptop.accessToken, 'ok', INTERVAL_MS + 2000);
    expect(await outcome(verifier, phone.accessToken)).toBe('session_revoked');
  });

  it('fails closed, and says why, when the feed refuses its token', async () => {
    const errors: unknown[] = [];
    const verifier = feedVerifier({ token: 'not-the-feed-token', onError: (error) => errors.push(error) });
    const user = await server.signUp();
    expect(await outcome(verifier, user.accessToken)).toBe('unavailable');
    expect(String(errors[0])).toContain('401');
  });
});
