import { type DeviceType, deviceTypes, type EndReason, endReasons } from '@tenure/protocol';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { WebhookObserver } from '../webhooks/index.ts';
import { createActiveSessionsGauge } from './active-sessions-gauge.ts';
import { createSessionSamplers, type SessionLookups } from './session-samplers.ts';
import { createWebhookMetrics } from './webhook-metrics.ts';

/**
 * Prometheus metrics for one app instance. Each `createMetrics()` owns its own `Registry`
 * (never prom-client's global one), so several apps in one process never collide.
 *
 * Labels are closed sets chosen by the type system: no user id, email, IP or raw URL can
 * reach a label, which keeps both privacy and cardinality under control.
 */

export const refreshOutcomes = ['ok', 'grace', 'expired', 'revoked', 'reused', 'invalid'] as const;
export type RefreshOutcome = (typeof refreshOutcomes)[number];

export const loginOutcomes = ['ok', 'invalid_credentials', 'rate_limited', 'locked'] as const;
export type LoginOutcome = (typeof loginOutcomes)[number];

const httpMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface HttpObservation {
  method: string;
  /** The route pattern (`/api/auth/sessions/:sessionId`), never the raw URL; `unmatched` for 404s. */
  route: string;
  statusCode: number;
  durationSeconds: number;
}

export interface CleanupRun {
  /** Rows deleted after the retention period. */
  deleted: number;
  durationSeconds: number;
}

export interface Metrics {
  /** The instance's own registry: serve it with `registry.metrics()` / `registry.contentType`. */
  readonly registry: Registry;
  sessionCreated(deviceType: DeviceType): void;
  /** Counts `count` sessions that ended for `reason`. */
  sessionRevoked(reason: EndReason, count?: number): void;
  /** Observes how long a session lived (created → revoked/ended), in seconds. */
  sessionEnded(durationSeconds: number): void;
  refresh(outcome: RefreshOutcome): void;
  login(outcome: LoginOutcome): void;
  /** Observes a user's number of active sessions (sampled, e.g. at sign-in). */
  devicesPerUser(count: number): void;
  /** Observes the time from a session's revocation to the first request refused because of it. */
  revocationToRefusal(seconds: number): void;
  /**
   * A sign-in of `userId`: samples the user's active-session count into `tenure_devices_per_user`
   * through {@link SessionLookups}, off the request path. The id never becomes a label.
   */
  userSignedIn(userId: string): void;
  /**
   * A request refused because its session is revoked. The first refusal of each session on this
   * instance observes now − `revoked_at` into `tenure_revocation_to_refusal_seconds`, off the
   * request path; later refusals of the same session are not observed again.
   */
  revokedSessionRefused(sessionId: string): void;
  /** The database reads behind `userSignedIn` and `revokedSessionRefused` (wired by `buildApp`). */
  setSessionLookups(lookups: SessionLookups): void;
  /** Records a successful cleanup: its counters, its duration, and the last-success timestamp. */
  cleanupRun(run: CleanupRun): void;
  cleanupFailed(): void;
  /**
   * Seeds `tenure_cleanup_last_success_timestamp_seconds` at start-up from where the last
   * success is recorded durably, so a restart does not look like a missed cleanup.
   */
  restoreCleanupLastSuccess(epochSeconds: number): void;
  /**
   * Backs the `tenure_active_sessions` gauge. The provider must be cheap (an estimate, not a
   * full scan); it is called at most once per cache period and a slow or failing one never
   * breaks a scrape: the last known value is reported instead.
   */
  setActiveSessionsProvider(provider: () => Promise<number>): void;
  httpRequest(observation: HttpObservation): void;
  /** Webhook deliveries by outcome, and the queue's depth and oldest pending event. */
  readonly webhooks: WebhookObserver;
}

export interface MetricsOptions {
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
  /** How long the active-sessions provider may take before the last value is used. @default 2000 */
  activeSessionsTimeoutMs?: number;
  /** How long an active-sessions value is reused across scrapes. @default 15000 */
  activeSessionsCacheMs?: number;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  // Conventional names (process_*, nodejs_*) so stock dashboards and alerts keep working.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const created = new Counter({
    name: 'tenure_sessions_created_total',
    help: 'Sessions created (sign-ins and registrations), by device type.',
    labelNames: ['device_type'] as const,
    registers,
  });
  const revoked = new Counter({
    name: 'tenure_sessions_revoked_total',
    help: 'Sessions that ended, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const refreshes = new Counter({
    name: 'tenure_refresh_total',
    help: 'Refresh requests, by outcome (ok and grace succeed).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const logins = new Counter({
    name: 'tenure_logins_total',
    help: 'Login attempts, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Zero every known series so rate() and alerts see the very first event.
  for (const device_type of deviceTypes) created.inc({ device_type }, 0);
  for (const reason of endReasons) revoked.inc({ reason }, 0);
  for (const outcome of refreshOutcomes) refreshes.inc({ outcome }, 0);
  for (const outcome of loginOutcomes) logins.inc({ outcome }, 0);

  const duration = new Histogram({
    name: 'tenure_session_duration_seconds',
    help: 'How long sessions lived, observed when they end.',
    // 1 min … 30 days: idle timeouts end most sessions early, absolute expiry caps the rest.
    buckets: [60, 300, 900, 1800, 3600, 14_400, 28_800, 86_400, 259_200, 604_800, 1_209_600, 2_592_000],
    registers,
  });
  // Both are partly filled by background reads: a scrape first lets those in flight land.
  const devices = new Histogram({
    name: 'tenure_devices_per_user',
    help: "A user's number of active sessions, sampled at sign-in.",
    buckets: [1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50],
    registers,
    collect: () => samplers.settled(),
  });
  const toRefusal = new Histogram({
    name: 'tenure_revocation_to_refusal_seconds',
    help: "Time from a session's revocation to the first request refused because of it.",
    buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600, 14_400, 86_400],
    registers,
    collect: () => samplers.settled(),
  });
  const samplers = createSessionSamplers({ devicesPerUser: devices, revocationToRefusal: toRefusal }, now);
  const http = new Histogram({
    name: 'tenure_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  const cleanupRuns = new Counter({
    name: 'tenure_cleanup_runs_total',
    help: 'Successful cleanup runs.',
    registers,
  });
  const cleanupFailures = new Counter({
    name: 'tenure_cleanup_failures_total',
    help: 'Cleanup runs that failed.',
    registers,
  });
  const cleanupDeleted = new Counter({
    name: 'tenure_cleanup_deleted_sessions_total',
    help: 'Ended sessions deleted by cleanup after the retention period.',
    registers,
  });
  const cleanupDuration = new Gauge({
    name: 'tenure_cleanup_last_duration_seconds',
    help: 'Duration of the last successful cleanup run on this instance.',
    registers,
  });
  const cleanupLastSuccess = new Gauge({
    name: 'tenure_cleanup_last_success_timestamp_seconds',
    help: 'Unix time of the last successful cleanup known to this instance (0 = none yet).',
    registers,
  });
  let lastSuccess = 0;

  const activeSessions = createActiveSessionsGauge(registry, now, options);
  const webhooks = createWebhookMetrics(registry, now);

  return {
    registry,
    sessionCreated: (device_type) => created.inc({ device_type }),
    sessionRevoked: (reason, count = 1) => revoked.inc({ reason }, count),
    sessionEnded: (seconds) => duration.observe(Math.max(0, seconds)),
    refresh: (outcome) => refreshes.inc({ outcome }),
    login: (outcome) => logins.inc({ outcome }),
    devicesPerUser: (count) => devices.observe(count),
    revocationToRefusal: (seconds) => toRefusal.observe(Math.max(0, seconds)),
    userSignedIn: samplers.userSignedIn,
    revokedSessionRefused: samplers.revokedSessionRefused,
    setSessionLookups: samplers.setLookups,
    cleanupRun: (run) => {
      cleanupRuns.inc();
      cleanupDeleted.inc(run.deleted);
      cleanupDuration.set(run.durationSeconds);
      lastSuccess = now() / 1000;
      cleanupLastSuccess.set(lastSuccess);
    },
    cleanupFailed: () => cleanupFailures.inc(),
    restoreCleanupLastSuccess: (epochSeconds) => {
      // Never move backwards: a run on this instance may already be newer than the record.
      lastSuccess = Math.max(lastSuccess, epochSeconds);
      cleanupLastSuccess.set(lastSuccess);
    },
    setActiveSessionsProvider: activeSessions.setProvider,
    webhooks,
    httpRequest: ({ method, route, statusCode, durationSeconds }) => {
      const m = method.toUpperCase();
      http.observe(
        { method: httpMethods.has(m) ? m : 'OTHER', route, status_code: String(statusCode) },
        durationSeconds,
      );
    },
  };
}
