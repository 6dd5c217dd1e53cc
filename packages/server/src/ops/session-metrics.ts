import type { OutcomeListener } from '../sessions/outcomes.ts';
import type { Metrics } from './metrics.ts';

/** Metrics hear what happens to sessions through the session domain's outcome port. */
export function metricsListener(metrics: Metrics): OutcomeListener {
  return (outcome) => {
    switch (outcome.type) {
      case 'created':
        metrics.sessionCreated(outcome.session.deviceType);
        metrics.login('ok');
        metrics.userSignedIn(outcome.session.userId);
        return;
      case 'rotated':
        return metrics.refresh('ok');
      case 'grace_replay':
        return metrics.refresh('grace');
      case 'refresh_refused':
        return metrics.refresh(outcome.reason);
      case 'ended':
        metrics.sessionRevoked(outcome.reason, outcome.sessions.length);
        for (const session of outcome.sessions) {
          metrics.sessionEnded((session.endedAt.getTime() - session.createdAt.getTime()) / 1000);
        }
        return;
      case 'token_refused':
        return metrics.revokedSessionRefused(outcome.sessionId);
      case 'sign_in_failed':
        if (outcome.during === 'login') metrics.login('invalid_credentials');
        return;
      case 'sign_in_throttled':
        return metrics.login(outcome.locked ? 'locked' : 'rate_limited');
      default:
        return;
    }
  };
}
