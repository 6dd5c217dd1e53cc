import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../src/index.ts';
import { outcome, refusedWithin } from './helpers/outcomes.ts';
import { redisUrl } from './helpers/redis-env.ts';
import { TcpProxy } from './helpers/tcp-proxy.ts';
import { startTenureServer, type TenureServer } from './helpers/tenure-server.ts';

// Redis mode against the real server writing its denylist to the real Redis.
const MAX_STALENESS_MS = 1000;
let server: TenureServer;
let proxy: TcpProxy;
const verifiers: Verifier[] = [];

describe.skipIf(!redisUrl)('Redis mode', () => {
  beforeAll(async () => {
    server = await startTenureServer();
    proxy = await TcpProxy.start(redisUrl!);
  });
  afterAll(async () => {
    await Promise.all(verifiers.map((v) => v.close()));
    await proxy?.close();
    await server?.close();
  });

  function redisVerifier(url = redisUrl!) {
    const verifier = createVerifier({
      issuer: server.issuer,
      audience: server.audience,
      jwksUrl: server.jwksUrl,
      revocations: { redisUrl: url, keyPrefix: server.keyPrefix },
      maxStalenessMs: MAX_STALENESS_MS,
      onError: () => {},
    });
    verifiers.push(verifier);
    return verifier;
  }

  it('refuses a session signed out through the API within 1 s (p100 of 5)', async () => {
    const verifier = redisVerifier();
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const laptop = await server.signUp();
      const phone = await server.signIn(laptop);
      expect(await outcome(verifier, phone.accessToken)).toBe('ok');
      await server.revoke(laptop, phone.sessionId);
      times.push(await refusedWithin(verifier, phone.accessToken, 'session_revoked', 1000));
      expect(await outcome(verifier, laptop.accessToken)).toBe('ok');
    }
    console.info(`Redis mode: refused after ${times.map((t) => `${t.toFixed(1)} ms`).join(', ')}`);
  });

  it('refuses from its first answer a session signed out before it started', async () => {
    const laptop = await server.signUp();
    const phone = await server.signIn(laptop);
    await server.revoke(laptop, phone.sessionId);
    const verifier = redisVerifier();
    expect(await outcome(verifier, phone.accessToken)).toBe('session_revoked');
    expect(await outcome(verifier, laptop.accessToken)).toBe('ok');
  });

  it('fails closed when Redis is gone longer than maxStalenessMs, and resyncs when it is back', async () => {
    const verifier = redisVerifier(proxy.urlFor(redisUrl!));
    const laptop = await server.signUp();
    const phone = await server.signIn(laptop);
    expect(await outcome(verifier, phone.accessToken)).toBe('ok');

    proxy.cut();
    const tookMs = await refusedWithin(verifier, laptop.accessToken, 'unavailable', MAX_STALENESS_MS + 1000);
    console.info(
      `Redis mode: unavailable ${Math.round(tookMs)} ms after Redis went away (max ${MAX_STALENESS_MS})`,
    );
    // Published while this verifier was not subscribed: only the resync can tell it.
    await server.revoke(laptop, phone.sessionId);

    proxy.restore();
    await refusedWithin(verifier, laptop.accessToken, 'ok', 3000);
    expect(await outcome(verifier, phone.accessToken)).toBe('session_revoked');
  });

  it('fails closed on a silent partition too (no bytes, no close), thanks to its heartbeat', async () => {
    const verifier = redisVerifier(proxy.urlFor(redisUrl!));
    const user = await server.signUp();
    expect(await outcome(verifier, user.accessToken)).toBe('ok');
    proxy.freeze();
    try {
      await refusedWithin(verifier, user.accessToken, 'unavailable', MAX_STALENESS_MS + 1000);
    } finally {
      proxy.restore();
    }
    await refusedWithin(verifier, user.accessToken, 'ok', 5000);
  });

  it('needs only a read-only Redis user: SUBSCRIBE, ZRANGEBYSCORE and PING on the denylist', async () => {
    const admin = new Redis(redisUrl!);
    const name = `tenure-verify-test-${randomBytes(4).toString('hex')}`;
    const password = randomBytes(16).toString('hex');
    const key = `${server.keyPrefix}denylist`;
    // The ACL line docs/verifying.md gives.
    await admin.call(
      'ACL',
      'SETUSER',
      name,
      'on',
      `>${password}`,
      'resetchannels',
      `&${key}`,
      'resetkeys',
      `%R~${key}`,
      '-@all',
      '+subscribe',
      '+zrangebyscore',
      '+ping',
    );
    try {
      const url = new URL(redisUrl!);
      url.username = name;
      url.password = password;
      const verifier = redisVerifier(url.toString());
      const laptop = await server.signUp();
      const phone = await server.signIn(laptop);
      expect(await outcome(verifier, phone.accessToken)).toBe('ok');
      await server.revoke(laptop, phone.sessionId);
      await refusedWithin(verifier, phone.accessToken, 'session_revoked', 1000);
    } finally {
      await admin.call('ACL', 'DELUSER', name);
      admin.disconnect();
    }
  });
});
