import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../src/index.ts';
import { outcome, refusedWithin } from './helpers/outcomes.ts';
import { FEED_TOKEN, startTenureServer, type TenureServer } from './helpers/tenure-server.ts';

// A server whose access tokens live 1.2 s (ACCESS_TOKEN_TTL_MINUTES=0.02).
let server: TenureServer;
let verifier: Verifier;

beforeAll(async () => {
  server = await startTenureServer({ ACCESS_TOKEN_TTL_MINUTES: '0.02' });
  verifier = createVerifier({
    issuer: server.issuer,
    audience: server.audience,
    jwksUrl: server.jwksUrl,
    revocations: { feedUrl: server.feedUrl, token: FEED_TOKEN, intervalMs: 500 },
  });
});
afterAll(async () => {
  await verifier?.close();
  await server?.close();
});

it('an access token past its exp is token_expired, the moment exp passes (no leeway)', async () => {
  const user = await server.signUp();
  const { exp } = decodeJwt(user.accessToken);
  const verdict = await outcome(verifier, user.accessToken);
  // The token may already be past exp on a slow machine; before exp it must verify.
  if (Date.now() < exp! * 1000 - 50) expect(verdict).toBe('ok');
  await refusedWithin(verifier, user.accessToken, 'token_expired', 3000);
  expect(Date.now()).toBeGreaterThanOrEqual(exp! * 1000);
});
