import type { OutcomeListener, SessionOutcome } from '../sessions/outcomes.ts';
import type { SignInContext } from '../sessions/sign-in-context.ts';
import type { NewSecurityEvent } from './security-event-repository.ts';
import type { SecurityEvents } from './security-events.ts';

type Row = Omit<NewSecurityEvent, 'ipAddress' | 'userAgent' | 'at'>;

/**
 * The audit log hears what happens to sessions through the outcome port and writes the rows the
 * user's security page shows. The wording of those rows is the web app's; here only facts.
 */
export function auditListener(events: SecurityEvents, now: () => number): OutcomeListener {
  return async (outcome) => {
    const context =
      'context' in outcome ? outcome.context : 'cause' in outcome ? outcome.cause.context : undefined;
    const requestId = context?.requestId ?? ('cause' in outcome ? outcome.cause.requestId : undefined);
    for (const row of rowsOf(outcome)) {
      const detail = requestId === undefined ? row.detail : { ...row.detail, requestId };
      await events.record({ ...row, ...where(context), ...(detail && { detail }), at: new Date(now()) });
    }
  };
}

function where(context: SignInContext | undefined) {
  return { ipAddress: context?.ipAddress ?? null, userAgent: context?.userAgent ?? null };
}

function rowsOf(outcome: SessionOutcome): Row[] {
  switch (outcome.type) {
    case 'created': {
      const { session, context, firstSignIn, deviceKey } = outcome;
      const detail = { deviceKey, country: context.country, registration: firstSignIn };
      return [{ type: 'login_success', userId: session.userId, sessionId: session.sessionId, detail }];
    }
    case 'ended':
      return endedRows(outcome);
    case 'refresh_refused': {
      const { session, reason } = outcome;
      if (!session || (reason !== 'expired' && reason !== 'revoked')) return [];
      return [
        { type: 'refresh_failure', userId: session.userId, sessionId: session.sessionId, detail: { reason } },
      ];
    }
    case 'reuse_detected':
      return [
        {
          type: 'refresh_token_reused',
          userId: outcome.userId,
          sessionId: outcome.sessionId,
          detail: { why: outcome.why, sessionRevoked: outcome.ended },
        },
      ];
    case 'new_device': {
      const { session } = outcome;
      const { deviceType, deviceName, browser, os, location } = session;
      const detail = { deviceType, deviceName, browser, os, location };
      return [{ type: 'new_device', userId: session.userId, sessionId: session.sessionId, detail }];
    }
    case 'new_location': {
      const { session, country } = outcome;
      const detail = { country, location: session.location };
      return [{ type: 'new_location', userId: session.userId, sessionId: session.sessionId, detail }];
    }
    case 'sign_in_failed': {
      const detail = {
        reason: 'invalid_credentials',
        ...(outcome.during !== 'login' && { during: outcome.during }),
      };
      return [{ type: 'login_failure', userId: outcome.userId, detail }];
    }
    case 'sign_in_throttled': {
      if (!outcome.first) return [];
      const detail = {
        limit: 'login-account',
        locked: outcome.locked,
        retryAfterSeconds: outcome.retryAfterSeconds,
      };
      return [{ type: 'rate_limited', userId: outcome.userId, detail }];
    }
    case 'account_locked': {
      const detail = {
        consecutiveFailures: outcome.consecutiveFailures,
        lockedForSeconds: outcome.lockedForSeconds,
      };
      return [{ type: 'account_locked', userId: outcome.userId, detail }];
    }
    case 'password_changed': {
      const detail = { revokedCount: outcome.revokedCount };
      return [{ type: 'password_changed', userId: outcome.userId, sessionId: outcome.sessionId, detail }];
    }
    default:
      return [];
  }
}

/** Endings the user should see on their security page: sign-outs, by them or for them. */
function endedRows(outcome: Extract<SessionOutcome, { type: 'ended' }>): Row[] {
  const { reason, cause, sessions } = outcome;
  const by = cause.actor;
  switch (reason) {
    case 'signed_out':
      return sessions.map((s) => ({ type: 'logout', userId: s.userId, sessionId: s.sessionId }));
    case 'session_limit':
      return sessions.map((s) => ({
        type: 'session_limit',
        userId: s.userId,
        sessionId: s.sessionId,
        detail: { reason },
      }));
    case 'revoked':
    case 'admin':
    case 'user_disabled': {
      const first = sessions[0];
      if (cause.scope === 'all' && first) {
        const detail = {
          revokedCount: sessions.length,
          by,
          actor: by,
          reason,
          ...(cause.note && { note: cause.note }),
        };
        return [
          {
            type: 'sessions_revoked_all',
            userId: first.userId,
            sessionId: cause.bySessionId ?? null,
            detail,
          },
        ];
      }
      return sessions.map((s) => ({
        type: 'session_revoked',
        userId: s.userId,
        sessionId: cause.bySessionId ?? s.sessionId,
        detail: {
          revokedSessionId: s.sessionId,
          by,
          actor: by,
          reason,
          current: s.sessionId === cause.bySessionId,
          ...(cause.note && { note: cause.note }),
        },
      }));
    }
    default:
      // Expiry, reuse and password changes are recorded by their own events.
      return [];
  }
}
