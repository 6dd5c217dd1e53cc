import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { SessionRepository } from '../../src/sessions/session-repository.ts';
import { authed, buildTestApp, refresh, registerUser, type TestApp } from '../helpers/build-test-app.ts';
import { rotatedFrom, sessionRow } from '../helpers/inspect.ts';

// "Activity": requests update last_active, but the database is written at most once a
// minute per session (coalesced), never once per request.
const clock = new ManualClock();
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({}, { clock });
});
afterAll(async () => t?.close());
afterEach(() => vi.restoreAllMocks());

/** Counts the UPDATEs of `last_active` that include this session. */
function countTouches(sessionId: string) {
  const spy = vi.spyOn(SessionRepository.prototype, 'touch');
  return () =>
    spy.mock.calls.filter(([batch]) => batch.some((entry) => entry.sessionId === sessionId)).length;
}

describe('coalesced activity', () => {
  it('100 authenticated requests within a minute write last_active at most once, and it does move', async () => {
    const user = await registerUser(t.app);
    const touches = countTouches(user.sessionId);
    const signedInAt = (await sessionRow(t.app, user.sessionId)).last_active.getTime();

    const seen = new Set<number>();
    for (let request = 0; request < 100; request++) {
      clock.advance(500);
      const me = await authed(t.app, user.accessToken, 'GET', '/api/auth/me');
      expect(me.statusCode).toBe(200);
      // Flush as eagerly as any timer could.
      await clock.runTimers();
      seen.add((await sessionRow(t.app, user.sessionId)).last_active.getTime());
    }
    // 50 s of requests: nothing is due yet.
    expect(touches()).toBe(0);
    expect([...seen]).toEqual([signedInAt]);

    // Once the minute has passed, one UPDATE carries the latest activity.
    clock.advance(10_500);
    await clock.runTimers();
    expect(touches()).toBe(1);
    expect((await sessionRow(t.app, user.sessionId)).last_active.getTime()).toBe(signedInAt + 50_000);
  });

  it('a steady stream of requests writes once per minute, not once per request', async () => {
    const user = await registerUser(t.app);
    const touches = countTouches(user.sessionId);
    const values = new Set<number>();
    // 150 requests, 0.8 s apart: two minutes of use.
    for (let request = 0; request < 150; request++) {
      clock.advance(800);
      expect((await authed(t.app, user.accessToken, 'GET', '/api/auth/sessions')).statusCode).toBe(200);
      await clock.runTimers();
      values.add((await sessionRow(t.app, user.sessionId)).last_active.getTime());
    }
    // At most one write per elapsed minute. With Redis the cross-instance claim also holds for a
    // real-time minute, which this fake-time test compresses into a second: then only one.
    const expected = process.env.REDIS_URL ? 1 : 2;
    expect(touches()).toBe(expected);
    expect(values.size).toBe(expected + 1);
  });

  it('a refresh writes last_active itself and restarts the minute', async () => {
    const user = await registerUser(t.app);
    const touches = countTouches(user.sessionId);
    clock.advance(90_000);
    rotatedFrom(await refresh(t.app, user.refreshToken));
    const refreshedAt = clock.now();
    expect((await sessionRow(t.app, user.sessionId)).last_active.getTime()).toBe(refreshedAt);

    clock.advance(1_000);
    expect((await authed(t.app, user.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
    await clock.runTimers();
    expect(touches()).toBe(0);
    expect((await sessionRow(t.app, user.sessionId)).last_active.getTime()).toBe(refreshedAt);
  });

  it('the session list shows activity this instance has not written yet', async () => {
    const user = await registerUser(t.app);
    clock.advance(20_000);
    const list = await authed(t.app, user.accessToken, 'GET', '/api/auth/sessions');
    expect(Date.parse(list.json().sessions[0].lastActive)).toBe(clock.now());
  });
});
