import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { startCleanupSchedule } from '../../src/ops/cleanup-schedule.ts';
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

// Issue 6: the counters move with real flows through the real app, by exactly the right amount
// and under the right label. One scripted sequence on a manual clock; MAX_SESSIONS_PER_USER=2 so
// that a third sign-in revokes the least recently active session.
const IPAD =
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const METRICS_TOKEN = 'scrape-secret-for-tests';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

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

    // Revocations of each kind a person causes.
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

    // Everyone goes idle. Alice's refresh finds her session expired (and revokes it); the
    // scheduled cleanup revokes the other two.
    clock.advance(16 * MINUTE);
    await refreshExpecting(aliceTablet.refreshToken, 'session_expired');
    const schedule = startCleanupSchedule(app, { tickHoldMs: 0 });
    const result = await schedule.trigger();
    await schedule.stop();
    expect(result).toMatchObject({ ran: true, expired: 2, interrupted: false });
    clock.advance(31 * SECOND); // past the active-sessions cache
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

  it('counts revocations by reason, including expiry found by a refresh and by cleanup', () => {
    const reasons = ['logout', 'user', 'revoke_all', 'reuse', 'expired', 'session_limit', 'password_change'];
    const revoked = reasons.map((reason) => value('tenure_sessions_revoked_total', { reason }));
    expect(revoked).toEqual([1, 1, 1, 1, 3, 1, 1]);
    // One duration observation per session ended by a request (cleanup's two are not timed).
    expect(value('tenure_session_duration_seconds_count')).toBe(7);
  });

  it('exports the cleanup count, duration and last success time', () => {
    expect(value('tenure_cleanup_runs_total')).toBe(1);
    expect(value('tenure_cleanup_revoked_sessions_total')).toBe(2);
    expect(value('tenure_cleanup_failures_total')).toBe(0);
    expect(value('tenure_cleanup_last_duration_seconds')).toBeGreaterThanOrEqual(0);
    expect(value('tenure_cleanup_last_success_timestamp_seconds')).toBe((clock.now() - 31 * SECOND) / 1000);
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
