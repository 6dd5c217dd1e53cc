import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createGeolocator } from '../../src/devices/index.ts';
import { runCleanup } from '../../src/sessions/cleanup.ts';
import { ADMIN_TOKEN, admin, userPath } from '../admin/admin-helpers.ts';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  PASSWORD,
  refresh,
  registerUser,
  SAFARI_IPHONE,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { parseExposition, sampleValue } from '../ops/scrape.ts';
import { type Answer, newSecret, type ReceivedEvent, type Receiver, startReceiver } from './receiver.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function ofSession(events: ReceivedEvent[], sessionId: string) {
  return events.filter((event) => event.data.sessionId === sessionId);
}

function typesOf(events: ReceivedEvent[]) {
  return events.map((event) => (event.type === 'session.ended' ? `ended:${event.data.reason}` : event.type));
}

/** The `exp` (ms) of an access token. */
function expiryOf(accessToken: string): number {
  const [, payload] = accessToken.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()).exp * 1000;
}

describe('webhooks: every session event, signed, from the outbox', () => {
  const secret = newSecret();
  let receiver: Receiver;
  let t: TestApp;
  let clock: ManualClock;

  beforeAll(async () => {
    receiver = await startReceiver(secret);
    clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
    t = await buildTestApp(
      {
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: secret,
        TRUST_PROXY: '127.0.0.1',
        ADMIN_API_TOKEN: ADMIN_TOKEN,
        MAX_SESSIONS_PER_USER: '3',
      },
      { clock, geolocator: await createGeolocator() },
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.answers.length = 0;
    receiver.decide = undefined;
  });

  /** The next `session.created` to arrive gets `plan`'s answers (one per attempt), then 204. */
  function failNextSignIn(plan: Answer[]): { sessionId: () => string | undefined } {
    let sessionId: string | undefined;
    receiver.decide = (event) => {
      if (event.type !== 'session.created') return undefined;
      sessionId ??= event.data.sessionId;
      return event.data.sessionId === sessionId ? plan.shift() : undefined;
    };
    return { sessionId: () => sessionId };
  }

  async function metric(name: string, labels: Record<string, string> = {}) {
    const scraped = await t.app.inject({ method: 'GET', url: '/metrics' });
    return sampleValue(parseExposition(scraped.body), name, labels) ?? Number.NaN;
  }

  /**
   * Waits until every event written so far has been delivered and recorded. The manual clock
   * must not jump past a delivery's lease while it is in flight: the event would fall due again
   * and go out twice (at least once is the contract, but these tests count exactly).
   */
  async function settled() {
    await expect
      .poll(async () => {
        const { count } = await t.database.db
          .selectFrom('webhook_outbox')
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .where('state', '=', 'pending')
          .executeTakeFirstOrThrow();
        return Number(count);
      })
      .toBe(0);
  }

  const arrived = (sessionId: string, count: number) =>
    receiver
      .waitFor((events) => ofSession(events, sessionId).length >= count)
      .then((events) => ofSession(events, sessionId));

  it('a sign-in is announced within 5 s, with the device, address and location; a new device and country too', async () => {
    const started = Date.now();
    const user = await registerUser(t.app);
    const [created] = await arrived(user.sessionId, 1);
    expect(created?.receivedAt).toBeLessThan(started + 5000);
    expect(created).toMatchObject({
      type: 'session.created',
      data: {
        userId: user.userId,
        sessionId: user.sessionId,
        device: { type: 'desktop', browser: expect.stringMatching(/^Chrome/), os: 'macOS' },
      },
    });
    expect(created?.id).toMatch(/^msg_/);
    expect(Math.abs(Date.parse(created?.timestamp ?? '') - clock.now())).toBeLessThan(1000);

    const phone = await loginAs(t.app, user.email, {
      userAgent: SAFARI_IPHONE,
      headers: { 'x-forwarded-for': '8.8.8.8' },
    });
    const events = await arrived(phone.sessionId, 3);
    expect(typesOf(events)).toEqual(['session.created', 'session.new_device', 'session.new_location']);
    expect(events[2]?.data).toMatchObject({
      ipAddress: '8.8.8.8',
      location: expect.stringMatching(/United States$/),
      country: 'US',
      device: { type: 'mobile' },
    });
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    expect(receiver.rejected).toEqual([]);
  });

  it('each ending is announced once, with its reason and when its last access token expires', async () => {
    const user = await registerUser(t.app);
    const laptop = await loginAs(t.app, user.email);
    const tablet = await loginAs(t.app, user.email);

    expect(
      (await authed(t.app, user.accessToken, 'DELETE', `/api/auth/sessions/${laptop.sessionId}`)).statusCode,
    ).toBe(204);
    const [, revoked] = await arrived(laptop.sessionId, 2);
    expect(revoked).toMatchObject({
      type: 'session.ended',
      data: { reason: 'revoked', userId: user.userId },
    });
    expect(Date.parse(String(revoked?.data.endedAt))).toBe(clock.now());
    // Its last access token was issued at sign-in: it stops being valid when that one expires.
    const validUntil = Date.parse(String(revoked?.data.tokensValidUntil));
    expect(validUntil - expiryOf(laptop.accessToken)).toBeGreaterThanOrEqual(0);
    expect(validUntil - expiryOf(laptop.accessToken)).toBeLessThan(1000);

    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${tablet.accessToken}` },
      cookies: { tenure_refresh: tablet.refreshToken },
    });
    expect(logout.statusCode).toBe(204);
    expect(typesOf(await arrived(tablet.sessionId, 2))).toEqual(['session.created', 'ended:signed_out']);

    // Signing out again, or revoking what already ended, announces nothing more.
    await authed(t.app, user.accessToken, 'DELETE', `/api/auth/sessions/${laptop.sessionId}`);
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      cookies: { tenure_refresh: tablet.refreshToken },
    });
    const another = await loginAs(t.app, user.email);
    await arrived(another.sessionId, 1);
    expect(ofSession(receiver.delivered, laptop.sessionId)).toHaveLength(2);
    expect(ofSession(receiver.delivered, tablet.sessionId)).toHaveLength(2);
  });

  it('a password change announces user.password_changed and the other sessions ending for it', async () => {
    const user = await registerUser(t.app);
    const other = await loginAs(t.app, user.email);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { authorization: `Bearer ${user.accessToken}` },
      payload: { currentPassword: PASSWORD, newPassword: 'a different long passphrase' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(typesOf(await arrived(user.sessionId, 2))).toEqual(['session.created', 'user.password_changed']);
    expect(typesOf(await arrived(other.sessionId, 2))).toEqual(['session.created', 'ended:password_change']);
  });

  it('a refresh token used twice: session.refresh_reused, then the session ends for reuse', async () => {
    const user = await registerUser(t.app);
    const first = await refresh(t.app, user.refreshToken);
    expect(first.statusCode).toBe(200);
    await settled();
    clock.advance(MINUTE); // past the grace window
    expect(errorCode(await refresh(t.app, user.refreshToken))).toBe('refresh_token_reused');
    const events = await arrived(user.sessionId, 3);
    expect(typesOf(events)).toEqual(['session.created', 'session.refresh_reused', 'ended:reuse']);
  });

  it('operators, the session cap and disabling a user each announce their reason', async () => {
    const user = await registerUser(t.app);
    const second = await loginAs(t.app, user.email);
    expect((await admin(t.app, 'DELETE', `/api/admin/sessions/${second.sessionId}`)).statusCode).toBe(204);
    expect(typesOf(await arrived(second.sessionId, 2))).toEqual(['session.created', 'ended:admin']);

    // The cap is 3: the fourth active session pushes out the least recently active, the first.
    const more: SignedIn[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      more.push(await loginAs(t.app, user.email));
    }
    expect(typesOf(await arrived(user.sessionId, 2))).toEqual(['session.created', 'ended:session_limit']);

    expect((await admin(t.app, 'POST', userPath(user.userId, 'disable'))).json()).toEqual({
      revokedCount: 3,
    });
    for (const session of more) {
      expect(typesOf(await arrived(session.sessionId, 2))).toEqual([
        'session.created',
        'ended:user_disabled',
      ]);
    }
  });

  it('an expired session is announced once: when a refresh finds it, or when cleanup deletes it unseen', async () => {
    const seen = await registerUser(t.app);
    const unseen = await registerUser(t.app);
    await arrived(unseen.sessionId, 1);
    await settled();
    clock.advance(16 * MINUTE); // past the 15-minute inactivity timeout
    expect(errorCode(await refresh(t.app, seen.refreshToken))).toBe('session_expired');
    const [, expired] = await arrived(seen.sessionId, 2);
    expect(expired?.data).toMatchObject({ reason: 'expired' });
    // It ended when it went idle, not when the refresh noticed.
    expect(Date.parse(String(expired?.data.endedAt))).toBe(clock.now() - MINUTE);
    expect(expired?.data.tokensValidUntil).toBe(expired?.data.endedAt);

    await settled();
    clock.advance(91 * DAY); // past the retention period: cleanup deletes both rows
    const result = await runCleanup(t.database.db, t.config, clock);
    expect(result.deleted).toBeGreaterThanOrEqual(2);
    const [, cleaned] = await arrived(unseen.sessionId, 2);
    expect(cleaned?.data).toMatchObject({ reason: 'expired', userId: unseen.userId });
    expect(Date.parse(String(cleaned?.data.endedAt))).toBe(clock.now() - 91 * DAY - MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ofSession(receiver.delivered, seen.sessionId)).toHaveLength(2);
  });

  it('the pg_cron cleanup function announces what it deletes unseen, like the app does', async () => {
    const user = await registerUser(t.app);
    await arrived(user.sessionId, 1);
    const signedIn = clock.now();
    await settled();
    clock.advance(91 * DAY);
    await sql`SELECT cleanup_expired_sessions(15, 90, 5000, ${new Date(clock.now())})`.execute(t.database.db);
    const [, ended] = await arrived(user.sessionId, 2);
    expect(ended).toMatchObject({ type: 'session.ended', data: { reason: 'expired', userId: user.userId } });
    expect(Date.parse(String(ended?.data.endedAt))).toBe(signedIn + 15 * MINUTE);
  });

  it('a receiver outage: retried with backoff and the same webhook-id; other sessions are not held back', async () => {
    const failing = failNextSignIn([503, 302]);
    const down = await registerUser(t.app);
    await receiver.waitFor(() => receiver.attempts.some((a) => a.data.sessionId === down.sessionId));
    // While the first event of `down` waits, its later events wait behind it; others go through.
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      cookies: { tenure_refresh: down.refreshToken },
    });
    expect(logout.statusCode).toBe(204);
    const other = await registerUser(t.app);
    await arrived(other.sessionId, 1);
    expect(ofSession(receiver.delivered, down.sessionId)).toEqual([]);
    expect(failing.sessionId()).toBe(down.sessionId);
    expect(await metric('tenure_webhook_queue_depth')).toBe(2);
    const retriesBefore = await metric('tenure_webhook_deliveries_total', { outcome: 'retry' });

    clock.advance(6000); // the first retry is due after 5 s (+ up to 10 %): answered with a redirect
    await receiver.waitFor(() => ofSession(receiver.attempts, down.sessionId).length >= 2);
    // The outcome is recorded just after the receiver answers.
    await expect
      .poll(() =>
        t.database.db
          .selectFrom('webhook_outbox')
          .select(['last_error', 'attempts'])
          .where('ordering_key', '=', down.sessionId)
          .orderBy('id')
          .executeTakeFirstOrThrow(),
      )
      .toEqual({ attempts: 2, last_error: 'HTTP 302 (redirects are not followed)' });

    clock.advance(12_000); // the second retry is due after 10 s: delivered, then the ending
    const events = await arrived(down.sessionId, 2);
    expect(typesOf(events)).toEqual(['session.created', 'ended:signed_out']);
    const attempts = ofSession(receiver.attempts, down.sessionId).filter((a) => a.type === 'session.created');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((attempt) => attempt.id)).size).toBe(1);
    expect(await metric('tenure_webhook_deliveries_total', { outcome: 'retry' })).toBe(retriesBefore + 1);
    expect(await metric('tenure_webhook_queue_depth')).toBe(0);
    expect(await metric('tenure_webhook_oldest_pending_age_seconds')).toBe(0);
  });

  it('after 24 hours of failures an event is marked failed, and later events of its session go on', async () => {
    failNextSignIn([500, 500]);
    const user = await registerUser(t.app);
    await receiver.waitFor(() => receiver.attempts.some((a) => a.data.sessionId === user.sessionId));
    // The first attempt's outcome is recorded before the clock moves past its lease.
    await expect
      .poll(() =>
        t.database.db
          .selectFrom('webhook_outbox')
          .select('last_error')
          .where('ordering_key', '=', user.sessionId)
          .executeTakeFirstOrThrow(),
      )
      .toEqual({ last_error: 'HTTP 500' });
    clock.advance(DAY + MINUTE);
    // What the stalled-delivery alert watches: the oldest pending event is a day old.
    expect(await metric('tenure_webhook_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(DAY / 1000);
    const failedBefore = await metric('tenure_webhook_deliveries_total', { outcome: 'failed' });
    // The session has expired meanwhile; the refresh that finds it announces the ending.
    expect(errorCode(await refresh(t.app, user.refreshToken))).toBe('session_expired');
    await receiver.waitFor(() => ofSession(receiver.attempts, user.sessionId).length >= 2);
    const events = await arrived(user.sessionId, 1);
    expect(typesOf(events)).toEqual(['ended:expired']);
    await expect
      .poll(() =>
        t.database.db
          .selectFrom('webhook_outbox')
          .select(['type', 'state'])
          .where('ordering_key', '=', user.sessionId)
          .orderBy('id')
          .execute(),
      )
      .toEqual([
        { type: 'session.created', state: 'failed' },
        { type: 'session.ended', state: 'delivered' },
      ]);
    expect(await metric('tenure_webhook_deliveries_total', { outcome: 'failed' })).toBe(failedBefore + 1);
  });
});

describe('webhooks: several endpoints and a rotated secret', () => {
  const oldSecret = newSecret();
  const newSecretValue = newSecret();
  let before: Receiver;
  let after: Receiver;
  let t: TestApp;

  beforeAll(async () => {
    before = await startReceiver(oldSecret);
    after = await startReceiver(newSecretValue);
    t = await buildTestApp({
      WEBHOOK_URL: `${before.url},${after.url}`,
      WEBHOOK_SECRET: `${oldSecret} ${newSecretValue}`,
    });
  }, 120_000);
  afterAll(async () => {
    // The held request first, so that shutting the app down does not wait for its timeout.
    await before?.close();
    await after?.close();
    await t?.close();
  });

  it('each endpoint gets every event, verifying with either secret; a silent one delays nobody else', async () => {
    before.decide = () => 'hang'; // never answers: each attempt waits for the 10 s timeout
    const first = await registerUser(t.app);
    const [onAfter] = await after.waitFor((events) => ofSession(events, first.sessionId).length === 1);
    expect(onAfter?.type).toBe('session.created');
    await before.waitFor(() => before.attempts.length === 1);
    expect(before.attempts.map((a) => a.id)).toEqual([onAfter?.id]);

    // Written while the silent endpoint still holds its attempt: the healthy one gets it at once.
    const written = Date.now();
    const second = await registerUser(t.app);
    const [next] = await after.waitFor((events) => ofSession(events, second.sessionId).length === 1);
    expect((next?.receivedAt ?? Number.POSITIVE_INFINITY) - written).toBeLessThan(5000);
    await before.waitFor(() => before.attempts.length === 2);
    expect(before.rejected).toEqual([]);
    expect(after.rejected).toEqual([]);
  });
});

describe('without WEBHOOK_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  }, 120_000);
  afterAll(async () => t?.close());

  it('no event is written anywhere', async () => {
    const user = await registerUser(t.app);
    await authed(t.app, user.accessToken, 'POST', '/api/auth/sessions/revoke-all');
    const { count } = await t.database.db
      .selectFrom('webhook_outbox')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(0);
  });
});
