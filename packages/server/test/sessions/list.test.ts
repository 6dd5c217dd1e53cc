import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import {
  authed,
  buildTestApp,
  loginAs,
  registerUser,
  SAFARI_IPHONE,
  type TestApp,
} from '../helpers/build-test-app.ts';

// GET /sessions: active sessions only, current first, then most recently active, and
// nothing but the public fields.
const MINUTE = 60_000;
const clock = new ManualClock();
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ INACTIVITY_TIMEOUT_MINUTES: '15' }, { clock });
});
afterAll(async () => t?.close());

const list = async (accessToken: string) => {
  const response = await authed(t.app, accessToken, 'GET', '/api/auth/sessions');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().sessions as Array<Record<string, unknown>>;
};

describe('GET /sessions', () => {
  it('lists the current session first, then the others by most recent activity', async () => {
    const oldest = await registerUser(t.app);
    clock.advance(MINUTE);
    const middle = await loginAs(t.app, oldest.email, { userAgent: SAFARI_IPHONE });
    clock.advance(MINUTE);
    const newest = await loginAs(t.app, oldest.email);
    clock.advance(MINUTE);

    const sessions = await list(middle.accessToken);
    expect(sessions.map((s) => s.id)).toEqual([middle.sessionId, newest.sessionId, oldest.sessionId]);
    expect(sessions.map((s) => s.isCurrent)).toEqual([true, false, false]);
    expect(sessions[0]).toMatchObject({ deviceType: 'mobile', deviceName: 'iPhone' });
  });

  it('leaves out revoked and idle sessions', async () => {
    const idle = await registerUser(t.app);
    const revoked = await loginAs(t.app, idle.email);
    clock.advance(12 * MINUTE);
    const current = await loginAs(t.app, idle.email);
    await authed(t.app, current.accessToken, 'DELETE', `/api/auth/sessions/${revoked.sessionId}`);
    clock.advance(4 * MINUTE);

    // `idle` has done nothing for 16 minutes; `current` signed in 4 minutes ago.
    expect((await list(current.accessToken)).map((s) => s.id)).toEqual([current.sessionId]);
  });

  it('shows only public fields: no token hashes, generation or user agent', async () => {
    const user = await registerUser(t.app);
    const [session] = await list(user.accessToken);
    expect(Object.keys(session!).sort()).toEqual(
      [
        'id',
        'deviceType',
        'deviceName',
        'browser',
        'os',
        'ipAddress',
        'location',
        'createdAt',
        'lastActive',
        'expiresAt',
        'isCurrent',
      ].sort(),
    );
    expect(session!.browser).toBe('Chrome 126');
    expect(new Date(session!.createdAt as string).toISOString()).toBe(session!.createdAt);
  });
});
