import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  refresh,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { rotatedFrom, securityEventsOf, sessionRow } from '../helpers/inspect.ts';

// "Rotation and reuse", driven by an injected clock so the grace window is exact.
const GRACE_MS = 10_000;
const clock = new ManualClock();
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ REFRESH_REUSE_GRACE_SECONDS: String(GRACE_MS / 1000) }, { clock });
});
afterAll(async () => t?.close());

const me = (accessToken: string) => authed(t.app, accessToken, 'GET', '/api/auth/me');

describe('refresh token rotation', () => {
  it('each refresh returns a new refresh token and access token and advances the generation once', async () => {
    const user = await registerUser(t.app);
    const first = rotatedFrom(await refresh(t.app, user.refreshToken));
    expect(first.refreshToken).not.toBe(user.refreshToken);
    expect(first.accessToken).not.toBe(user.accessToken);
    expect((await sessionRow(t.app, user.sessionId)).generation).toBe(1);

    clock.advance(1_000);
    const second = rotatedFrom(await refresh(t.app, first.refreshToken));
    expect(new Set([user.refreshToken, first.refreshToken, second.refreshToken]).size).toBe(3);
    expect((await sessionRow(t.app, user.sessionId)).generation).toBe(2);
    expect((await me(second.accessToken)).statusCode).toBe(200);
  });

  it('the old refresh token is no longer current: it can never mint a second successor', async () => {
    const user = await registerUser(t.app);
    const successor = rotatedFrom(await refresh(t.app, user.refreshToken));
    clock.advance(2_000);
    const again = rotatedFrom(await refresh(t.app, user.refreshToken));
    expect(again.refreshToken).toBe(successor.refreshToken);
    const row = await sessionRow(t.app, user.sessionId);
    expect(row.generation).toBe(1);
    expect(row.is_revoked).toBe(false);
  });

  it('replaying the previous refresh token inside the grace window keeps the user signed in with the same successor', async () => {
    const user = await registerUser(t.app);
    const successor = rotatedFrom(await refresh(t.app, user.refreshToken));
    clock.advance(GRACE_MS - 1_000);

    const replay = rotatedFrom(await refresh(t.app, user.refreshToken));
    expect(replay.refreshToken).toBe(successor.refreshToken);
    expect((await me(replay.accessToken)).statusCode).toBe(200);
    expect((await sessionRow(t.app, user.sessionId)).generation).toBe(1);
    expect(
      await securityEventsOf(t.app, { sessionId: user.sessionId, type: 'refresh_token_reused' }),
    ).toEqual([]);

    // The successor handed out twice is still the one live token: it rotates normally.
    const next = rotatedFrom(await refresh(t.app, successor.refreshToken));
    expect(next.refreshToken).not.toBe(successor.refreshToken);
    expect((await sessionRow(t.app, user.sessionId)).generation).toBe(2);
  });

  it('replaying the previous refresh token after the grace window revokes the session, records the reuse and refuses its access tokens', async () => {
    const user = await registerUser(t.app);
    const successor = rotatedFrom(await refresh(t.app, user.refreshToken));
    // Both access tokens have been seen (and cached as verified) before the theft.
    expect((await me(user.accessToken)).statusCode).toBe(200);
    expect((await me(successor.accessToken)).statusCode).toBe(200);

    clock.advance(GRACE_MS + 1_000);
    const replay = await refresh(t.app, user.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(errorCode(replay)).toBe('refresh_token_reused');

    const row = await sessionRow(t.app, user.sessionId);
    expect(row.is_revoked).toBe(true);
    expect(row.revoked_reason).toBe('reuse');
    const events = await securityEventsOf(t.app, { sessionId: user.sessionId, type: 'refresh_token_reused' });
    expect(events).toHaveLength(1);
    expect(events[0]!.user_id).toBe(user.userId);

    // Still-unexpired access tokens of the session die on the very next request.
    for (const accessToken of [user.accessToken, successor.accessToken]) {
      const response = await me(accessToken);
      expect(response.statusCode).toBe(401);
      expect(errorCode(response)).toBe('session_revoked');
    }
    // And so does the successor the legitimate holder (or the thief) had.
    const withSuccessor = await refresh(t.app, successor.refreshToken);
    expect(withSuccessor.statusCode).toBe(401);
    expect(errorCode(withSuccessor)).toBe('session_revoked');
  });

  it('presenting a token older than the previous one is theft even inside the grace window', async () => {
    const user = await registerUser(t.app);
    const second = rotatedFrom(await refresh(t.app, user.refreshToken));
    const third = rotatedFrom(await refresh(t.app, second.refreshToken));
    clock.advance(1_000);

    const replay = await refresh(t.app, user.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(errorCode(replay)).toBe('refresh_token_reused');
    expect((await sessionRow(t.app, user.sessionId)).revoked_reason).toBe('reuse');
    expect(errorCode(await me(third.accessToken))).toBe('session_revoked');
    expect(errorCode(await refresh(t.app, third.refreshToken))).toBe('session_revoked');
  });

  it('signing in again after a theft revocation gives a new session while the old tokens stay dead', async () => {
    const user = await registerUser(t.app);
    const successor = rotatedFrom(await refresh(t.app, user.refreshToken));
    clock.advance(GRACE_MS + 1_000);
    expect(errorCode(await refresh(t.app, user.refreshToken))).toBe('refresh_token_reused');

    const again = await loginAs(t.app, user.email);
    expect(again.sessionId).not.toBe(user.sessionId);
    expect((await me(again.accessToken)).statusCode).toBe(200);
    rotatedFrom(await refresh(t.app, again.refreshToken));

    for (const token of [user.refreshToken, successor.refreshToken]) {
      const response = await refresh(t.app, token);
      expect(response.statusCode).toBe(401);
      expect(errorCode(response)).toBe('session_revoked');
    }
    expect(errorCode(await me(successor.accessToken))).toBe('session_revoked');
    expect((await sessionRow(t.app, user.sessionId)).is_revoked).toBe(true);
    expect((await sessionRow(t.app, again.sessionId)).is_revoked).toBe(false);
  });
});
