import { setTimeout as sleep } from 'node:timers/promises';
import { endReasons } from '@tenure/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  PASSWORD,
  refresh,
  refreshCookieOf,
  registerUser,
  SAFARI_IPHONE,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { parseExposition, type Sample, sampleValue } from './scrape.ts';

// The counters move with real flows through the real app, by exactly the right amount and under
// the right label. One scripted sequence on a manual clock; MAX_SESSIONS_PER_USER=2 so that a
// third sign-in ends the least recently active session. The app runs its own cleanup every second
// of real time (CLEANUP_CRON), on the manual clock: it finds nothing to delete until the clock
// passes the retention period.
const IPAD =
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const METRICS_TOKEN = 'scrape-secret-for-tests';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

let t: TestApp;
let app: FastifyInstance;
const clock = new ManualClock();
const seen: { emails: string[]; userIds: string[]; sessionIds: string[] } = {
  emails: [],
  userIds: [],
  sessionIds: [],
};

beforeAll(async () => {
  t = await buildTestApp(
    {
      MAX_SESSIONS_PER_USER: '2',
      METRICS_TOKEN,
      INACTIVITY_TIMEOUT_MINUTES: '15',
      REFRESH_REUSE_GRACE_SECONDS: '10',
      REVOKED_RETENTION_DAYS: '90',
      CLEANUP_CRON: '* * * * * *',
    },
    { clock },
  );
  app = t.app;
});
afterAll(async () => t?.close());

function remember(signedIn: SignedIn): SignedIn {
  seen.emails.push(signedIn.email);
  seen.userIds.push(signedIn.userId);
  seen.sessionIds.push(signedIn.sessionId);
  return signedIn;
}

async function signIn(email: string, userAgent?: string): Promise<SignedIn> {
  clock.advance(SECOND);
  return remember(await loginAs(app, email, userAgent ? { userAgent } : {}));
}

async function register(userAgent?: string): Promise<SignedIn> {
  clock.advance(SECOND);
  return remember(await registerUser(app, userAgent ? { userAgent } : {}));
}

async function scrapeMetrics(): Promise<{ samples: Sample[]; text: string }> {
  const response = await app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(response.statusCode, response.body).toBe(200);
  return { samples: parseExposition(response.body), text: response.body };
}

/** Scrapes until `name` reads `expected` (the cleanup runs on its own schedule), or throws. */
async function scrapedUntil(name: string, expected: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = sampleValue((await scrapeMetrics()).samples, name);
    if (seen === expected) return;
    if (Date.now() > deadline) throw new Error(`${name} is ${seen} after ${timeoutMs} ms, not ${expected}`);
    await sleep(200);
  }
}

async function failLogin(email: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'not the password at all' },
  });
  expect(errorCode(response)).toBe('invalid_credentials');
}

async function refreshExpecting(token: string, code: string | 200): Promise<string | undefined> {
  const response = await refresh(app, token);
  if (code === 200) expect(response.statusCode, response.body).toBe(200);
  else expect(errorCode(response), response.body).toBe(code);
  return refreshCookieOf(response);
}

describe('metrics moved by real flows', () => {
  let midway: Sample[];
  let final: { samples: Sample[]; text: string };

  beforeAll(async () => {
    // Sign-ins: desktop, mobile, then a tablet that pushes alice over MAX_SESSIONS_PER_USER=2.
    const aliceDesktop = await register();
    const alicePhone = await signIn(aliceDesktop.email, SAFARI_IPHONE);
    const aliceTablet = await signIn(aliceDesktop.email, IPAD); // session_limit revokes aliceDesktop

    // Failed sign-ins: twice the wrong password, once an unknown email.
    await failLogin(aliceDesktop.email);
    await failLogin(aliceDesktop.email);
    await failLogin('nobody-here@example.com');

    // Refreshes: ok, a replay inside the grace window, the same replay after it (theft), the
    // successor of a session revoked as stolen, and garbage.
    const bob = await register();
    clock.advance(SECOND);
    const successor = await refreshExpecting(bob.refreshToken, 200);
    clock.advance(2 * SECOND);
    await refreshExpecting(bob.refreshToken, 200); // grace
    clock.advance(20 * SECOND);
    await refreshExpecting(bob.refreshToken, 'refresh_token_reused'); // reuse revokes bob's session
    await refreshExpecting(successor!, 'session_revoked');
    await refreshExpecting('not-a-refresh-token', 'invalid_refresh_token');

    // Endings of each kind a person causes.
    const erin = await register();
    expect((await authed(app, erin.accessToken, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    const removed = await authed(
      app,
      aliceTablet.accessToken,
      'DELETE',
      `/api/auth/sessions/${alicePhone.sessionId}`,
    );
    expect(removed.statusCode).toBe(204);
    // The revoked phone's still-unexpired access token: refused 3 s after the revocation, twice.
    clock.advance(3 * SECOND);
    for (let i = 0; i < 2; i++) {
      expect(errorCode(await authed(app, alicePhone.accessToken, 'GET', '/api/auth/me'))).toBe(
        'session_revoked',
      );
    }
    const frank = await register();
    const frankAgain = await signIn(frank.email);
    const all = await authed(app, frankAgain.accessToken, 'POST', '/api/auth/sessions/revoke-all');
    expect(all.json()).toEqual({ revokedCount: 1 });
    const grace = await register();
    const graceAgain = await signIn(grace.email);
    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { authorization: `Bearer ${graceAgain.accessToken}` },
      payload: { currentPassword: PASSWORD, newPassword: 'an entirely new passphrase 42' },
    });
    expect(changed.json()).toEqual({ revokedCount: 1 });

    // Active now: aliceTablet, frankAgain, graceAgain.
    midway = (await scrapeMetrics()).samples;

    // Everyone goes idle. Alice's refresh finds her session expired (and records that ending);
    // nobody sees the other two expire.
    clock.advance(16 * MINUTE);
    await refreshExpecting(aliceTablet.refreshToken, 'session_expired');
    expect(sampleValue((await scrapeMetrics()).samples, 'tenure_cleanup_deleted_sessions_total')).toBe(0);

    // Past the retention period, the app's scheduled cleanup deletes all nine sessions, which
    // have all ended by now, and reports the two expiries nobody saw.
    clock.advance(91 * DAY);
    await scrapedUntil('tenure_cleanup_deleted_sessions_total', 9);
    final = await scrapeMetrics();
  });

  const value = (name: string, labels: Record<string, string> = {}) =>
    sampleValue(final.samples, name, labels);

  it('counts sessions created by device type', () => {
    const created = ['desktop', 'mobile', 'tablet'].map((device_type) =>
      value('tenure_sessions_created_total', { device_type }),
    );
    // Desktop: alice, bob, erin, frank ×2, grace ×2.
    expect(created).toEqual([7, 1, 1]);
  });

  it('counts logins by outcome (registration signs in too)', () => {
    const logins = ['ok', 'invalid_credentials', 'rate_limited', 'locked'].map((outcome) =>
      value('tenure_logins_total', { outcome }),
    );
    expect(logins).toEqual([9, 3, 0, 0]);
  });

  it('counts refreshes by outcome', () => {
    const refreshes = ['ok', 'grace', 'expired', 'revoked', 'reused', 'invalid'].map((outcome) =>
      value('tenure_refresh_total', { outcome }),
    );
    expect(refreshes).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('counts ended sessions by reason, including expiry found by a refresh and expiry reported by cleanup', () => {
    const ended = endReasons.map((reason) => [reason, value('tenure_sessions_revoked_total', { reason })]);
    // signed_out: erin. revoked: alice's phone from her tablet, frank's other session.
    // expired: alice's tablet at its refresh, frank's and grace's last sessions at cleanup.
    expect(Object.fromEntries(ended)).toEqual({
      signed_out: 1,
      revoked: 2,
      password_change: 1,
      session_limit: 1,
      reuse: 1,
      expired: 3,
      admin: 0,
      user_disabled: 0,
    });
    // One duration observation per ended session, each timed to the instant it ended: all nine
    // lived minutes, the two whose expiry cleanup reported 91 days later included.
    expect(value('tenure_session_duration_seconds_count')).toBe(9);
    expect(value('tenure_session_duration_seconds_bucket', { le: '3600' })).toBe(9);
  });

  it('exports the cleanup counts, duration and last success time', () => {
    // The app's own schedule ran every second of the flow; only the run past the retention period
    // had anything to delete.
    expect(value('tenure_cleanup_runs_total')).toBeGreaterThanOrEqual(1);
    expect(value('tenure_cleanup_deleted_sessions_total')).toBe(9);
    expect(value('tenure_cleanup_failures_total')).toBe(0);
    expect(value('tenure_cleanup_last_duration_seconds')).toBeGreaterThanOrEqual(0);
    expect(value('tenure_cleanup_last_success_timestamp_seconds')).toBe(clock.now() / 1000);
    expect(final.text).not.toContain('tenure_cleanup_revoked_sessions_total');
  });

  it('reports active sessions from the database: three midway, none after everyone went idle', () => {
    expect(sampleValue(midway, 'tenure_active_sessions')).toBe(3);
    expect(value('tenure_active_sessions')).toBe(0);
  });

  it('samples devices per user at each sign-in', () => {
    // Active sessions after each of the 9 sign-ins: alice 1, 2, 2 (limit); bob 1; erin 1;
    // frank 1, 2; grace 1, 2.
    expect(value('tenure_devices_per_user_count')).toBe(9);
    expect(value('tenure_devices_per_user_sum')).toBe(13);
    expect(value('tenure_devices_per_user_bucket', { le: '1' })).toBe(5);
    expect(value('tenure_devices_per_user_bucket', { le: '2' })).toBe(9);
  });

  it('records the time from revocation to the first refusal, once per session', () => {
    expect(value('tenure_revocation_to_refusal_seconds_count')).toBe(1);
    expect(value('tenure_revocation_to_refusal_seconds_sum')).toBe(3);
  });

  it('labels request latency by route pattern, never by the raw URL', () => {
    expect(
      value('tenure_http_request_duration_seconds_count', {
        method: 'DELETE',
        route: '/api/auth/sessions/:sessionId',
        status_code: '204',
      }),
    ).toBe(1);
  });

  it('puts no user id, session id, email or IP address in any label', () => {
    const labelValues = final.samples.flatMap((sample) => Object.values(sample.labels));
    for (const id of [...seen.userIds, ...seen.sessionIds, ...seen.emails]) {
      expect(final.text).not.toContain(id);
    }
    for (const label of labelValues) {
      expect(label).not.toMatch(
        /@|^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-f:]*::[0-9a-f:]*$|[0-9a-f]{8}-[0-9a-f]{4}-/i,
      );
    }
  });

  it('refuses a scrape without the METRICS_TOKEN', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain('tenure_');
  });
});
