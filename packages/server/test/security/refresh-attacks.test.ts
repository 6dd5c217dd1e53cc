import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import {
  authed,
  buildTestApp,
  loginAs,
  refresh,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { expectEnvelope, rotatedFrom, securityEventsOf, sessionRow } from '../helpers/inspect.ts';

// stolen refresh tokens. Time is an injected clock; the grace window is 10 s.
const clock = new ManualClock();
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ REFRESH_REUSE_GRACE_SECONDS: '10' }, { clock });
});
afterAll(async () => t?.close());

const me = (accessToken: string) => authed(t.app, accessToken, 'GET', '/api/auth/me');

describe('refresh token theft', () => {
  it('a token replayed after rotation kills the session and every access token minted from it', async () => {
    const victim = await registerUser(t.app);
    const next = rotatedFrom(await refresh(t.app, victim.refreshToken));
    clock.advance(11_000);
    // The thief replays the old token after the grace window.
    expectEnvelope(await refresh(t.app, victim.refreshToken), 401, 'refresh_token_reused');

    expectEnvelope(await me(victim.accessToken), 401, 'session_revoked');
    expectEnvelope(await me(next.accessToken), 401, 'session_revoked');
    expectEnvelope(await refresh(t.app, next.refreshToken), 401, 'session_revoked');
    const row = await sessionRow(t.app, victim.sessionId);
    expect(row).toMatchObject({ is_revoked: true, revoked_reason: 'reuse' });
    expect(
      await securityEventsOf(t.app, { sessionId: victim.sessionId, type: 'refresh_token_reused' }),
    ).toHaveLength(1);
  });

  it('an older-than-previous token is theft even inside the grace window', async () => {
    const victim = await registerUser(t.app);
    const second = rotatedFrom(await refresh(t.app, victim.refreshToken));
    clock.advance(1_000);
    const third = rotatedFrom(await refresh(t.app, second.refreshToken));
    clock.advance(1_000);
    // Two rotations ago, 2 s old: not a benign race, the chain has moved on twice.
    expectEnvelope(await refresh(t.app, victim.refreshToken), 401, 'refresh_token_reused');
    expectEnvelope(await me(third.accessToken), 401, 'session_revoked');
  });

  it('signing in again after a family revocation does not revive any old token', async () => {
    const victim = await registerUser(t.app);
    const next = rotatedFrom(await refresh(t.app, victim.refreshToken));
    clock.advance(11_000);
    await refresh(t.app, victim.refreshToken);

    const fresh = await loginAs(t.app, victim.email);
    expect(fresh.sessionId).not.toBe(victim.sessionId);
    expect((await me(fresh.accessToken)).statusCode).toBe(200);
    for (const token of [victim.refreshToken, next.refreshToken]) {
      expect((await refresh(t.app, token)).statusCode).toBe(401);
    }
    expectEnvelope(await me(next.accessToken), 401, 'session_revoked');
    expect((await sessionRow(t.app, victim.sessionId)).is_revoked).toBe(true);
  });

  it('20 parallel refreshes with one token never produce two live successors', async () => {
    const user = await registerUser(t.app);
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(t.app, user.refreshToken)));
    const successors = new Set(
      responses.filter((response) => response.statusCode === 200).map((r) => rotatedFrom(r).refreshToken),
    );
    expect(successors.size).toBe(1);
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    expect((await sessionRow(t.app, user.sessionId)).generation).toBe(1);
    // The one successor keeps the session going.
    clock.advance(1_000);
    expect((await refresh(t.app, [...successors][0]!)).statusCode).toBe(200);
  });
});

describe('session ids that are not yours', () => {
  it('a foreign, an unknown and a revoked session id get byte-identical answers', async () => {
    const owner = await registerUser(t.app);
    const other = await registerUser(t.app);
    const revoked = await loginAs(t.app, owner.email);
    expect(
      (await authed(t.app, owner.accessToken, 'DELETE', `/api/auth/sessions/${revoked.sessionId}`))
        .statusCode,
    ).toBe(204);

    const answers = await Promise.all(
      [other.sessionId, '6f1c7f0e-2f4b-4d8e-9a61-3d8f5b2c1a90', revoked.sessionId].map((id) =>
        authed(t.app, owner.accessToken, 'DELETE', `/api/auth/sessions/${id}`),
      ),
    );
    for (const answer of answers) expectEnvelope(answer, 404, 'session_not_found');
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    expect((await me(other.accessToken)).statusCode).toBe(200);
  });
});
