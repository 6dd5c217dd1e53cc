import { endReasons } from '@tenure/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/ops/metrics.ts';
import { buildMetricsApp, type Sample, sampleValue, scrape } from './scrape.ts';

let closeApp: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeApp?.();
  closeApp = undefined;
});

async function scrapeOf(metrics: Metrics): Promise<Sample[]> {
  const app = await buildMetricsApp(metrics);
  closeApp = () => app.close();
  return scrape(app);
}

describe('session, login and refresh counters', () => {
  it('each counter moves by exactly the number of events, under the right label, and no other', async () => {
    const metrics = createMetrics();
    metrics.sessionCreated('desktop');
    metrics.sessionCreated('desktop');
    metrics.sessionCreated('mobile');
    for (const outcome of [
      'ok',
      'ok',
      'invalid_credentials',
      'invalid_credentials',
      'invalid_credentials',
      'rate_limited',
    ] as const) {
      metrics.login(outcome);
    }
    for (const outcome of ['ok', 'ok', 'ok', 'grace', 'expired', 'reused', 'invalid', 'invalid'] as const) {
      metrics.refresh(outcome);
    }
    metrics.sessionRevoked('signed_out');
    metrics.sessionRevoked('revoked');
    metrics.sessionRevoked('revoked', 3);
    metrics.sessionRevoked('reuse');
    metrics.sessionRevoked('session_limit');
    metrics.sessionRevoked('password_change', 2);
    metrics.sessionRevoked('expired', 5);
    metrics.sessionRevoked('user_disabled', 2);

    const samples = await scrapeOf(metrics);
    const created = (device_type: string) =>
      sampleValue(samples, 'tenure_sessions_created_total', { device_type });
    expect([created('desktop'), created('mobile'), created('tablet')]).toEqual([2, 1, 0]);

    const logins = (outcome: string) => sampleValue(samples, 'tenure_logins_total', { outcome });
    expect(['ok', 'invalid_credentials', 'rate_limited', 'locked'].map(logins)).toEqual([2, 3, 1, 0]);

    const refreshes = (outcome: string) => sampleValue(samples, 'tenure_refresh_total', { outcome });
    expect(['ok', 'grace', 'expired', 'revoked', 'reused', 'invalid'].map(refreshes)).toEqual([
      3, 1, 1, 0, 1, 2,
    ]);

    const revoked = (reason: string) => sampleValue(samples, 'tenure_sessions_revoked_total', { reason });
    expect(endReasons.map(revoked)).toEqual(
      // signed_out, revoked, password_change, session_limit, reuse, expired, admin, user_disabled
      [1, 4, 2, 1, 1, 5, 0, 2],
    );
    // Only the closed list of reasons exists as a label value.
    const reasons = samples
      .filter((sample) => sample.name === 'tenure_sessions_revoked_total')
      .map((sample) => sample.labels.reason);
    expect(reasons.sort()).toEqual([...endReasons].sort());
  });

  it('exports every known label value at zero before the first event, so the first event shows in rate()', async () => {
    const samples = await scrapeOf(createMetrics());
    expect(sampleValue(samples, 'tenure_refresh_total', { outcome: 'reused' })).toBe(0);
    expect(sampleValue(samples, 'tenure_logins_total', { outcome: 'locked' })).toBe(0);
    for (const reason of endReasons) {
      expect(sampleValue(samples, 'tenure_sessions_revoked_total', { reason })).toBe(0);
    }
  });

  it('keeps two instances in one process apart (each has its own registry)', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.login('ok');
    expect(first.registry).not.toBe(second.registry);
    const samples = await scrapeOf(second);
    expect(sampleValue(samples, 'tenure_logins_total', { outcome: 'ok' })).toBe(0);
    expect(sampleValue(samples, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(0);
  });
});

describe('histograms', () => {
  it('records session duration, devices per user and revocation-to-refusal observations', async () => {
    const metrics = createMetrics();
    metrics.sessionEnded(120);
    metrics.sessionEnded(7200);
    metrics.devicesPerUser(1);
    metrics.devicesPerUser(4);
    metrics.devicesPerUser(60);
    metrics.revocationToRefusal(0.2);

    const samples = await scrapeOf(metrics);
    expect(sampleValue(samples, 'tenure_session_duration_seconds_count')).toBe(2);
    expect(sampleValue(samples, 'tenure_session_duration_seconds_sum')).toBe(7320);
    expect(sampleValue(samples, 'tenure_session_duration_seconds_bucket', { le: '3600' })).toBe(1);
    expect(sampleValue(samples, 'tenure_devices_per_user_count')).toBe(3);
    expect(sampleValue(samples, 'tenure_devices_per_user_bucket', { le: '5' })).toBe(2);
    expect(sampleValue(samples, 'tenure_devices_per_user_bucket', { le: '+Inf' })).toBe(3);
    expect(sampleValue(samples, 'tenure_revocation_to_refusal_seconds_bucket', { le: '0.25' })).toBe(1);
  });
});

describe('cleanup', () => {
  it('exports counts, duration and the last-success time; expiry is counted where sessions end, not by the run', async () => {
    let nowMs = Date.UTC(2026, 0, 2, 2, 0, 0);
    const metrics = createMetrics({ now: () => nowMs });
    metrics.cleanupRun({ deleted: 150, durationSeconds: 3.5 });
    nowMs += 86_400_000;
    metrics.cleanupRun({ deleted: 10, durationSeconds: 0.5 });
    metrics.cleanupFailed();

    const samples = await scrapeOf(metrics);
    expect(sampleValue(samples, 'tenure_cleanup_runs_total')).toBe(2);
    expect(sampleValue(samples, 'tenure_cleanup_failures_total')).toBe(1);
    expect(sampleValue(samples, 'tenure_cleanup_deleted_sessions_total')).toBe(160);
    expect(sampleValue(samples, 'tenure_cleanup_last_duration_seconds')).toBe(0.5);
    expect(sampleValue(samples, 'tenure_cleanup_last_success_timestamp_seconds')).toBe(nowMs / 1000);
    // Cleanup rewrites no row to expire it, so there is no count of rows it "revoked".
    expect(sampleValue(samples, 'tenure_cleanup_revoked_sessions_total')).toBeUndefined();
    // The expiry of deleted sessions nobody saw end reaches `sessionRevoked('expired')` through
    // the endings port, once; a run's deletions are not counted there a second time.
    expect(sampleValue(samples, 'tenure_sessions_revoked_total', { reason: 'expired' })).toBe(0);
  });

  it('restores the last success recorded elsewhere, but never moves it backwards', async () => {
    const nowMs = Date.UTC(2026, 0, 2, 2, 0, 0);
    const metrics = createMetrics({ now: () => nowMs });
    expect(sampleValue(await scrapeOf(metrics), 'tenure_cleanup_last_success_timestamp_seconds')).toBe(0);
    await closeApp?.();
    metrics.restoreCleanupLastSuccess(nowMs / 1000 - 3600);
    metrics.cleanupRun({ deleted: 0, durationSeconds: 1 });
    metrics.restoreCleanupLastSuccess(nowMs / 1000 - 7200);
    expect(sampleValue(await scrapeOf(metrics), 'tenure_cleanup_last_success_timestamp_seconds')).toBe(
      nowMs / 1000,
    );
  });
});

describe('labels', () => {
  // Anything outside this list could be a new, unreviewed dimension; user id, email and IP never are.
  const allowed = new Set([
    'device_type',
    'reason',
    'outcome',
    'method',
    'route',
    'status_code',
    'le',
    // prom-client default process metrics
    'version',
    'major',
    'minor',
    'patch',
    'kind',
    'space',
    'type',
    'quantile',
  ]);

  it('no metric has a label that could carry a user id, email or IP address', async () => {
    const metrics = createMetrics();
    const app = await buildMetricsApp(metrics);
    closeApp = () => app.close();
    await app.inject({
      method: 'DELETE',
      url: '/api/auth/sessions/6f1c2a5e-9a55-4f0e-8a7e-2b9d1c1f0a11?email=alice@example.com',
      remoteAddress: '203.0.113.7',
    });
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'alice@example.com' } });
    metrics.sessionCreated('tablet');
    metrics.sessionEnded(60);
    metrics.devicesPerUser(2);
    metrics.revocationToRefusal(1);
    metrics.cleanupRun({ deleted: 1, durationSeconds: 1 });

    const families = await metrics.registry.getMetricsAsJSON();
    const labelNames = new Set(
      families.flatMap((family) => family.values.flatMap((v) => Object.keys(v.labels))),
    );
    expect([...labelNames].filter((name) => !allowed.has(name))).toEqual([]);

    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/example\.com|203\.0\.113\.7|6f1c2a5e/);
  });
});
