import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authed, buildTestApp, refresh, registerUser, type TestApp } from '../helpers/build-test-app.ts';
import { rotatedFrom, securityEventsOf, sessionRow } from '../helpers/inspect.ts';

// concurrent refreshes with one token never fork the session and never leave it
// without a usable token. Real clock, real concurrency (PostgreSQL when DATABASE_URL is set).
const CONCURRENCY = 20;
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

describe('concurrent refreshes with one refresh token', () => {
  it(`${CONCURRENCY} simultaneous refreshes all succeed with one successor and rotate exactly once`, async () => {
    const user = await registerUser(t.app);
    const responses = await Promise.all(
      Array.from({ length: CONCURRENCY }, () => refresh(t.app, user.refreshToken)),
    );

    expect(responses.map((response) => response.statusCode)).toEqual(Array(CONCURRENCY).fill(200));
    const rotated = responses.map(rotatedFrom);
    const successors = new Set(rotated.map((r) => r.refreshToken));
    expect(successors.size).toBe(1);
    expect(successors.has(user.refreshToken)).toBe(false);

    const row = await sessionRow(t.app, user.sessionId);
    expect(row.generation).toBe(1);
    expect(row.is_revoked).toBe(false);
    expect(
      await securityEventsOf(t.app, { sessionId: user.sessionId, type: 'refresh_token_reused' }),
    ).toEqual([]);

    // Every racer got a working access token for the same session.
    for (const { accessToken } of rotated.slice(0, 5)) {
      const me = await authed(t.app, accessToken, 'GET', '/api/auth/me');
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json().session.id).toBe(user.sessionId);
    }

    // The one successor keeps the session going.
    const [successor] = successors;
    const next = rotatedFrom(await refresh(t.app, successor!));
    expect(next.refreshToken).not.toBe(successor);
    expect((await sessionRow(t.app, user.sessionId)).generation).toBe(2);
  });

  it('concurrent refreshes with the successor after a race also converge on one token', async () => {
    const user = await registerUser(t.app);
    const firstWave = await Promise.all(Array.from({ length: 5 }, () => refresh(t.app, user.refreshToken)));
    const [successor] = new Set(firstWave.map((r) => rotatedFrom(r).refreshToken));
    const secondWave = await Promise.all(
      Array.from({ length: CONCURRENCY }, () => refresh(t.app, successor!)),
    );
    const tokens = new Set(secondWave.map((r) => rotatedFrom(r).refreshToken));
    expect(tokens.size).toBe(1);
    expect((await sessionRow(t.app, user.sessionId)).generation).toBe(2);
  });
});
