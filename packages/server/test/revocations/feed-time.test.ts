import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import {
  authed,
  buildTestApp,
  loginAs,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { FEED_TOKEN, idsOf, readFeed, readToEnd } from './feed-helpers.ts';

// How long an entry stays in the feed, and how long one answer is shared, on an injected clock.
const TTL_MS = 5 * 60_000;
const MARGIN_MS = 60_000;
const SHORT_SESSION_MS = 0.001 * 24 * 3600_000; // SESSION_EXPIRY_DAYS=0.001: 86.4 s, under the TTL
let clock: ManualClock;
let t: TestApp;
let short: TestApp;

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
  // One after the other: two embedded databases migrating at once can overrun the plugin timeout.
  t = await buildTestApp({ REVOCATION_FEED_TOKEN: FEED_TOKEN }, { clock });
  short = await buildTestApp({ REVOCATION_FEED_TOKEN: FEED_TOKEN, SESSION_EXPIRY_DAYS: '0.001' }, { clock });
}, 180_000);
afterAll(async () => Promise.all([t?.close(), short?.close()]));

async function signOutOther(app: TestApp['app']): Promise<{ by: SignedIn; gone: SignedIn; at: number }> {
  const by = await registerUser(app);
  const gone = await loginAs(app, by.email);
  const at = clock.now();
  const response = await authed(app, by.accessToken, 'DELETE', `/api/auth/sessions/${gone.sessionId}`);
  expect(response.statusCode, response.body).toBe(204);
  return { by, gone, at };
}

const untilOf = (answer: { revocations: Array<{ sessionId: string; until: string }> }, sid: string) =>
  answer.revocations.find((r) => r.sessionId === sid)?.until;

describe('revocation feed over time', () => {
  it('lists a session until its last access token has expired plus the denylist margin, then drops it', async () => {
    clock.advance(1000);
    const { gone, at } = await signOutOther(t.app);
    const until = at + TTL_MS + MARGIN_MS;
    clock.advance(1000);
    expect(untilOf(await readFeed(t.app), gone.sessionId)).toBe(new Date(until).toISOString());

    // 250 ms apart: a shared answer is never older than that.
    clock.advance(until - 250 - clock.now());
    expect(idsOf([await readFeed(t.app)])).toContain(gone.sessionId);
    clock.advance(250);
    expect(idsOf([await readFeed(t.app)])).not.toContain(gone.sessionId);
  });

  it('a session near its absolute expiry is listed only until that expiry plus the margin', async () => {
    clock.advance(1000);
    const { gone, at } = await signOutOther(short.app);
    const expiresAt = at + SHORT_SESSION_MS;
    clock.advance(1000);
    expect(untilOf(await readFeed(short.app), gone.sessionId)).toBe(
      new Date(expiresAt + MARGIN_MS).toISOString(),
    );
  });

  it('readers asking the same question within 250 ms share one answer', async () => {
    clock.advance(1000);
    const before = await readFeed(t.app, { limit: 7 });
    const { gone } = await signOutOther(t.app);
    clock.advance(249);
    expect(await readFeed(t.app, { limit: 7 })).toEqual(before);
    clock.advance(1);
    expect(idsOf([await readFeed(t.app, { limit: 7 })])).toContain(gone.sessionId);
  });

  it('a caught-up cursor steps back 10 to 11 s, so revocations stamped in that window are not missed', async () => {
    clock.advance(60_000);
    const { gone } = await signOutOther(t.app);
    clock.advance(9_000);
    const caughtUp = (await readToEnd(t.app)).at(-1)!;
    expect(idsOf([caughtUp])).toContain(gone.sessionId);
    // The next poll still covers the revocation 9 s back (stamped before the read).
    expect(idsOf(await readToEnd(t.app, { after: caughtUp.cursor }))).toContain(gone.sessionId);
    clock.advance(12_000);
    const later = (await readToEnd(t.app, { after: caughtUp.cursor })).at(-1)!;
    // Read 21 s after it, the same revocation is behind the new cursor and is not delivered again.
    expect(idsOf(await readToEnd(t.app, { after: later.cursor }))).not.toContain(gone.sessionId);
  });
});
