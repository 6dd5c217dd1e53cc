import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  refresh,
  registerUser,
  SAFARI_IPHONE,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { expectEnvelope, sessionRow } from '../helpers/inspect.ts';
import { ADMIN_TOKEN, admin, BUILD_TIMEOUT_MS, ownEvents, userPath } from './admin-helpers.ts';

// An operator lists a user's sessions, signs out one or all of them; the ended sessions are
// refused at once, and the user sees on their own security page that an administrator did it.
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ ADMIN_API_TOKEN: ADMIN_TOKEN });
}, BUILD_TIMEOUT_MS);
afterAll(async () => t?.close());

const me = (accessToken: string) => authed(t.app, accessToken, 'GET', '/api/auth/me');

describe('GET /api/admin/users/:userId/sessions', () => {
  it('lists the active sessions, most recently active first, in the public shape without isCurrent', async () => {
    const user = await registerUser(t.app);
    const phone = await loginAs(t.app, user.email, { userAgent: SAFARI_IPHONE });
    const ended = await loginAs(t.app, user.email);
    await authed(t.app, ended.accessToken, 'POST', '/api/auth/logout');

    const response = await admin(t.app, 'GET', userPath(user.userId, 'sessions'));
    expect(response.statusCode, response.body).toBe(200);
    const { sessions } = response.json();
    expect(sessions.map((s: { id: string }) => s.id)).toEqual([phone.sessionId, user.sessionId]);
    expect(Object.keys(sessions[0]).sort()).toEqual(
      [
        'browser',
        'createdAt',
        'deviceName',
        'deviceType',
        'expiresAt',
        'id',
        'ipAddress',
        'lastActive',
        'location',
        'os',
      ].sort(),
    );
    expect(sessions[0]).toMatchObject({ deviceType: 'mobile', deviceName: 'iPhone' });
  });

  it('a user with no sessions, an id Tenure never saw, and an id of 255 characters all list empty', async () => {
    for (const userId of ['github|4711', 'org/team|7', 'Zoë', 'x'.repeat(255)]) {
      const response = await admin(t.app, 'GET', userPath(userId, 'sessions'));
      expect(response.statusCode, `${userId}: ${response.body}`).toBe(200);
      expect(response.json()).toEqual({ sessions: [] });
    }
  });
});

describe('DELETE /api/admin/sessions/:sessionId', () => {
  it('signs the session out (reason admin): its access token is refused on the next request, its refresh fails', async () => {
    const user = await registerUser(t.app);
    const laptop = await loginAs(t.app, user.email);
    expect((await me(laptop.accessToken)).statusCode).toBe(200);

    const response = await admin(t.app, 'DELETE', `/api/admin/sessions/${laptop.sessionId}`);
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');

    const refused = await me(laptop.accessToken);
    expectEnvelope(refused, 401, 'session_revoked');
    expect(errorCode(await refresh(t.app, laptop.refreshToken))).toBe('session_revoked');
    expect((await sessionRow(t.app, laptop.sessionId)).revoked_reason).toBe('admin');
    // The user's other session is untouched.
    expect((await me(user.accessToken)).statusCode).toBe(200);
  });

  it('an unknown id and an already ended session are 404 session_not_found alike; a malformed id is 400', async () => {
    const user = await registerUser(t.app);
    expect((await admin(t.app, 'DELETE', `/api/admin/sessions/${user.sessionId}`)).statusCode).toBe(204);
    const again = await admin(t.app, 'DELETE', `/api/admin/sessions/${user.sessionId}`);
    const unknown = await admin(t.app, 'DELETE', `/api/admin/sessions/${randomUUID()}`);
    expectEnvelope(again, 404, 'session_not_found');
    expect(again.json()).toEqual(unknown.json());
    expectEnvelope(await admin(t.app, 'DELETE', '/api/admin/sessions/12345'), 400, 'invalid_request');
  });

  it('the user sees "session_revoked by admin" with the X-Admin-Actor note, and no operator address', async () => {
    const user = await registerUser(t.app);
    const tablet = await loginAs(t.app, user.email);
    const actor = 'alice@ops (TICKET-1234)';
    await admin(t.app, 'DELETE', `/api/admin/sessions/${tablet.sessionId}`, { actor });

    const event = (await ownEvents(t.app, user.accessToken)).find((e) => e.type === 'session_revoked');
    expect(event?.sessionId).toBe(tablet.sessionId);
    expect(event?.ipAddress).toBeNull();
    expect(event?.detail).toMatchObject({
      revokedSessionId: tablet.sessionId,
      by: 'admin',
      reason: 'admin',
      note: actor,
    });
  });

  it('X-Admin-Actor is kept as UTF-8, without control characters, at most 200 characters', async () => {
    const user = await registerUser(t.app);
    const other = await loginAs(t.app, user.email);
    // What Node reads from a UTF-8 header: its bytes as Latin-1. U+202E would flip the text.
    const actor = Buffer.from(`Zoë\u0007\u202e ${'y'.repeat(300)}`, 'utf8').toString('latin1');
    await admin(t.app, 'DELETE', `/api/admin/sessions/${other.sessionId}`, { actor });

    const event = (await ownEvents(t.app, user.accessToken)).find((e) => e.type === 'session_revoked');
    const note = event?.detail.note as string;
    expect(note.startsWith('Zoë y')).toBe(true);
    expect(note).toHaveLength(200);
  });
});

describe('POST /api/admin/users/:userId/sessions/revoke-all', () => {
  it('ends every session of the user (reason admin) and answers the count; all are refused at once', async () => {
    const user = await registerUser(t.app);
    const others = [await loginAs(t.app, user.email), await loginAs(t.app, user.email)];

    const response = await admin(t.app, 'POST', userPath(user.userId, 'sessions/revoke-all'), {
      actor: 'bob@ops',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ revokedCount: 3 });
    for (const session of [user, ...others]) {
      expect(errorCode(await me(session.accessToken))).toBe('session_revoked');
      expect((await sessionRow(t.app, session.sessionId)).revoked_reason).toBe('admin');
    }
    expect((await admin(t.app, 'POST', userPath(user.userId, 'sessions/revoke-all'))).json()).toEqual({
      revokedCount: 0,
    });

    const back = await loginAs(t.app, user.email);
    const event = (await ownEvents(t.app, back.accessToken)).find((e) => e.type === 'sessions_revoked_all');
    expect(event?.detail).toMatchObject({ revokedCount: 3, by: 'admin', reason: 'admin', note: 'bob@ops' });
  });

  it('leaves other users alone', async () => {
    const user = await registerUser(t.app);
    const bystander = await registerUser(t.app);
    await admin(t.app, 'POST', userPath(user.userId, 'sessions/revoke-all'));
    expect((await me(bystander.accessToken)).statusCode).toBe(200);
  });
});
