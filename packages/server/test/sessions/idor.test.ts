import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  loginAs,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { expectEnvelope, rowCounts, sessionRow } from '../helpers/inspect.ts';

// "not yours" and "doesn't exist" are the same 404, so session ids of other
// users cannot be probed; a malformed id is a 400; neither changes anything.
let t: TestApp;
let alice: SignedIn;
let bob: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  alice = await registerUser(t.app);
  bob = await registerUser(t.app);
});
afterAll(async () => t?.close());

const deleteAs = (user: SignedIn, id: string) =>
  authed(t.app, user.accessToken, 'DELETE', `/api/auth/sessions/${id}`);

describe('sessions of other users', () => {
  it("another user's session id and a random uuid give the same 404 session_not_found and change nothing", async () => {
    const before = await rowCounts(t.app);
    const foreign = await deleteAs(alice, bob.sessionId);
    const unknown = await deleteAs(alice, randomUUID());

    expectEnvelope(foreign, 404, 'session_not_found');
    expect(foreign.json()).toEqual(unknown.json());
    expect(await rowCounts(t.app)).toEqual(before);
    expect((await sessionRow(t.app, bob.sessionId)).is_revoked).toBe(false);
    expect((await authed(t.app, bob.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
  });

  it('an already revoked session of your own answers the same 404 as one that never existed', async () => {
    const user = await registerUser(t.app);
    const phone = await loginAs(t.app, user.email);
    expect((await deleteAs(user, phone.sessionId)).statusCode).toBe(204);
    const again = await deleteAs(user, phone.sessionId);
    expectEnvelope(again, 404, 'session_not_found');
    expect(again.json()).toEqual((await deleteAs(user, randomUUID())).json());
  });

  it("another user's session never appears in your session list", async () => {
    const list = await authed(t.app, alice.accessToken, 'GET', '/api/auth/sessions');
    const ids = list.json().sessions.map((s: { id: string }) => s.id);
    expect(ids).toContain(alice.sessionId);
    expect(ids).not.toContain(bob.sessionId);
  });

  it.each([
    ['not-a-uuid'],
    ['12345'],
    [`${randomUUID()}x`],
    [randomUUID().replaceAll('-', '')],
    ["1'%20OR%20'1'='1"],
    ['%00'],
  ])('a malformed session id (%s) is 400 invalid_request and changes nothing', async (id) => {
    const before = await rowCounts(t.app);
    expectEnvelope(await deleteAs(alice, id), 400, 'invalid_request');
    expect(await rowCounts(t.app)).toEqual(before);
    expect((await authed(t.app, alice.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
  });
});
