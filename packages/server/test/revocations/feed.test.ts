import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  databaseOf,
  loginAs,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { sessionRow } from '../helpers/inspect.ts';
import { FEED_TOKEN, type FeedAnswer, idsOf, readFeed, readToEnd } from './feed-helpers.ts';

// The revocation feed against the real app and database, on the real clock.
let t: TestApp;
const TTL_MS = 5 * 60_000;
const MARGIN_MS = 60_000;

beforeAll(async () => {
  t = await buildTestApp({ REVOCATION_FEED_TOKEN: FEED_TOKEN });
});
afterAll(async () => t?.close());

async function userWithSessions(count: number): Promise<SignedIn[]> {
  const first = await registerUser(t.app);
  const rest = [];
  for (let i = 1; i < count; i += 1) rest.push(await loginAs(t.app, first.email));
  return [first, ...rest];
}

async function revoke(by: SignedIn, sessionId: string) {
  const response = await authed(t.app, by.accessToken, 'DELETE', `/api/auth/sessions/${sessionId}`);
  expect(response.statusCode, response.body).toBe(204);
}

/** Answers may be shared for a fraction of a second: poll until `ready`, at most 2 s. */
async function readUntil(ready: (answer: FeedAnswer) => boolean): Promise<FeedAnswer> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const answer = await readFeed(t.app);
    if (ready(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('GET /api/auth/revocations', () => {
  it('a session signed out with DELETE /sessions/:id is listed until its last access token expires', async () => {
    const [laptop, phone] = await userWithSessions(2);
    await revoke(laptop!, phone!.sessionId);

    const answer = await readUntil((a) => a.revocations.some((r) => r.sessionId === phone!.sessionId));
    const entry = answer.revocations.find((r) => r.sessionId === phone!.sessionId);
    const row = await sessionRow(t.app, phone!.sessionId);
    const lastTokenExpiry = Math.min(row.revoked_at!.getTime() + TTL_MS, row.expires_at.getTime());
    expect(entry).toEqual({
      sessionId: phone!.sessionId,
      until: new Date(lastTokenExpiry + MARGIN_MS).toISOString(),
    });
    expect(answer.revocations.map((r) => r.sessionId)).not.toContain(laptop!.sessionId);
  });

  it('logout and revoke-all are listed; active sessions and sessions cleanup expired are not', async () => {
    const [current, other, loggedOut] = await userWithSessions(3);
    const logout = await authed(t.app, loggedOut!.accessToken, 'POST', '/api/auth/logout');
    expect(logout.statusCode, logout.body).toBe(204);
    const revokeAll = await authed(t.app, current!.accessToken, 'POST', '/api/auth/sessions/revoke-all');
    expect(revokeAll.statusCode, revokeAll.body).toBe(200);
    // What the cleanup job writes for a session past its expiry: its tokens expired by themselves.
    const [stale] = await userWithSessions(1);
    await sql`UPDATE user_sessions SET is_revoked = true, revoked_at = now(), revoked_reason = 'expired'
              WHERE session_id = ${stale!.sessionId}`.execute(databaseOf(t.app).db);

    const answer = await readUntil((a) => a.revocations.some((r) => r.sessionId === other!.sessionId));
    const ids = answer.revocations.map((r) => r.sessionId);
    expect(ids).toEqual(expect.arrayContaining([other!.sessionId, loggedOut!.sessionId]));
    expect(ids).not.toContain(current!.sessionId);
    expect(ids).not.toContain(stale!.sessionId);
  });

  it('paging with a small limit delivers every revocation once, hasMore on every page but the last', async () => {
    // revoke-all stamps every session with the same revoked_at: paging must still split them exactly.
    const [keep, ...others] = await userWithSessions(6);
    const revokeAll = await authed(t.app, keep!.accessToken, 'POST', '/api/auth/sessions/revoke-all');
    expect(revokeAll.json()).toEqual({ revokedCount: 5 });

    const pages = await readToEnd(t.app, { limit: 2 });
    const ids = idsOf(pages);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(others.map((s) => s.sessionId)));
    expect(pages.length).toBe(Math.ceil(ids.length / 2));
    for (const page of pages.slice(0, -1)) {
      expect(page.hasMore).toBe(true);
      expect(page.revocations).toHaveLength(2);
    }
    expect(pages.at(-1)!.hasMore).toBe(false);
  });

  it('a reader that has caught up gets later revocations from its cursor', async () => {
    const caughtUp = (await readToEnd(t.app)).at(-1)!;
    const [laptop, phone] = await userWithSessions(2);
    await revoke(laptop!, phone!.sessionId);

    const next = await readToEnd(t.app, { after: caughtUp.cursor });
    expect(idsOf(next)).toContain(phone!.sessionId);
  });

  it('a revocation that commits after a newer one was read is still delivered on the next poll', async () => {
    const [laptop, phone, tablet] = await userWithSessions(3);
    await revoke(laptop!, phone!.sessionId);
    // Pollers asking the same question share an answer for up to 250 ms (an earlier test may have
    // just asked it): poll until the answer includes what was just revoked.
    let caughtUp = (await readToEnd(t.app)).at(-1)!;
    await expect
      .poll(
        async () => {
          caughtUp = (await readToEnd(t.app)).at(-1)!;
          return idsOf([caughtUp]);
        },
        { timeout: 5_000, interval: 300 },
      )
      .toContain(phone!.sessionId);

    // A revocation stamped 3 s ago that only now becomes visible (a slow transaction, or an
    // instance whose clock is behind): a plain "revoked_at > last seen" feed would skip it.
    await sql`UPDATE user_sessions SET is_revoked = true, revoked_reason = 'revoked',
              revoked_at = now() - interval '3 seconds'
              WHERE session_id = ${tablet!.sessionId}`.execute(databaseOf(t.app).db);

    // The same holds for the next poll: after at most 250 ms it sees the late revocation.
    let next = await readToEnd(t.app, { after: caughtUp.cursor });
    await expect
      .poll(
        async () => {
          next = await readToEnd(t.app, { after: caughtUp.cursor });
          return idsOf(next);
        },
        { timeout: 5_000, interval: 300 },
      )
      .toContain(tablet!.sessionId);
    // The overlap hands recent revocations out again; readers deduplicate by session id.
    expect(idsOf(next)).toContain(phone!.sessionId);
  });
});
