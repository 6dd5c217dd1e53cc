import type { ActivitySignals } from './activity-signals.ts';
import type { SessionPolicy } from './types.ts';

/** Mouse, keyboard, scroll and touch: the signals that someone is using the page. */
export const ACTIVITY_EVENTS = [
  'mousemove',
  'mousedown',
  'keydown',
  'wheel',
  'scroll',
  'touchstart',
] as const;

/** Record activity at most this often; a mousemove storm costs one comparison per event. */
const ACTIVITY_THROTTLE_MS = 1000;

/** Becoming visible extends the session at most this often (tab switching must not spam refreshes). */
const VISIBLE_EXTEND_GAP_MS = 5000;

export interface ActivityMonitorOptions {
  signals: ActivitySignals;
  now: () => number;
  policy: SessionPolicy;
  /** Warn this many seconds before the idle timeout (at most half of the timeout). */
  idleWarningSeconds: number;
  /** Keep the session alive (a refresh). Failures are the caller's business. */
  extend: () => void;
  /** No activity in any tab for the whole inactivity timeout. */
  expire: () => void;
  warn: (secondsLeft: number) => void;
  /** Local activity was recorded (to share it with other tabs). */
  onActivity: (at: number) => void;
}

export interface ActivityMonitor {
  /** Activity seen elsewhere (another tab) counts as activity here. */
  noteActivity(at: number): void;
  /** The session was just extended (any refresh), so the next check need not extend again. */
  noteExtended(at: number): void;
  stop(): void;
}

/**
 * Every `activityCheckIntervalSeconds` the session is extended if the user was active within the
 * inactivity timeout *and* since the last extension (extending again for the same activity would
 * push the server's idle deadline past the real one). With no activity for the whole timeout
 * the session is let go: `expire()`, never a refresh.
 */
export function startActivityMonitor(options: ActivityMonitorOptions): ActivityMonitor {
  const { now } = options;
  const idleMs = options.policy.inactivityTimeoutSeconds * 1000;
  const warnMs = Math.min(options.idleWarningSeconds * 1000, idleMs / 2);
  let lastActivity = now();
  let lastExtended = lastActivity;
  let warned = false;
  let stopped = false;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  let interval: ReturnType<typeof setInterval> | undefined;

  function record(at: number, local: boolean): void {
    if (stopped || at <= lastActivity) return;
    lastActivity = at;
    if (local) options.onActivity(at);
    if (warned) {
      // Back during the warning: extend at once, which also tells the UI to drop the prompt.
      warned = false;
      extend();
    }
  }

  function onEvent(): void {
    const at = now();
    if (at - lastActivity >= ACTIVITY_THROTTLE_MS) record(at, true);
  }

  function extend(): void {
    lastExtended = now();
    options.extend();
  }

  function expireIfIdle(): boolean {
    if (now() - lastActivity < idleMs) return false;
    stop();
    options.expire();
    return true;
  }

  function check(): void {
    if (stopped || expireIfIdle()) return;
    if (lastActivity > lastExtended) extend();
  }

  function onVisible(): void {
    if (stopped) return;
    // Timers are throttled in hidden tabs, so the idle deadline may have passed unnoticed.
    if (expireIfIdle()) return;
    record(now(), true);
    // Extending also asks the server, so a revocation elsewhere shows up as soon as the tab does.
    if (
      now() - lastExtended >=
      Math.min(VISIBLE_EXTEND_GAP_MS, options.policy.activityCheckIntervalSeconds * 1000)
    )
      extend();
  }

  function scheduleDeadline(): void {
    if (stopped) return;
    const due = lastActivity + (warned ? idleMs : idleMs - warnMs);
    deadline = setTimeout(onDeadline, Math.max(0, due - now()));
  }

  // One timer chases the idle deadline; activity only moves `lastActivity`, and the timer
  // re-aims itself when it fires early.
  function onDeadline(): void {
    deadline = undefined;
    if (stopped || expireIfIdle()) return;
    const left = lastActivity + idleMs - now();
    if (!warned && warnMs > 0 && left <= warnMs) {
      warned = true;
      options.warn(Math.ceil(left / 1000));
    }
    scheduleDeadline();
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    unlisten();
    clearInterval(interval);
    clearTimeout(deadline);
  }

  const unlisten = options.signals.listen({ activity: onEvent, visible: onVisible });
  interval = setInterval(check, options.policy.activityCheckIntervalSeconds * 1000);
  scheduleDeadline();

  return {
    noteActivity: (at) => record(at, false),
    noteExtended(at) {
      lastExtended = Math.max(lastExtended, at);
    },
    stop,
  };
}
