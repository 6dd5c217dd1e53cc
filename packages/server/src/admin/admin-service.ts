import type { Clock } from '../clock.ts';
import { TenureError } from '../errors.ts';
import type { SecurityEvents } from '../security-events/security-events.ts';
import type { EndingCause } from '../sessions/outcomes.ts';
import { toPublicSession } from '../sessions/public-session.ts';
import type { SessionService } from '../sessions/session-service.ts';
import type { DisabledUsers } from './disabled-users.ts';
import type { AdminSession } from './schemas.ts';

/** Who acts: the operator's `X-Admin-Actor` note, if any, and the request's id. */
export interface Operator {
  note: string | undefined;
  requestId: string;
}

export interface AdminServiceDeps {
  sessions: SessionService;
  disabledUsers: DisabledUsers;
  events: SecurityEvents;
  clock: Clock;
}

/**
 * What an operator may do to any user's sessions, for any user id (Tenure's password accounts
 * and an adopting app's own users alike). Every ending goes through the sessions' one ending
 * path, so the audit log records it (`by: 'admin'`, with the operator's note) and every
 * instance refuses the ended sessions' access tokens at once. `actor` is the operator's
 * X-Admin-Actor, when given.
 */
export class AdminService {
  constructor(private readonly deps: AdminServiceDeps) {}

  /** Active sessions, most recently active first (including activity this instance holds). */
  async listSessions(userId: string): Promise<AdminSession[]> {
    const { sessions } = this.deps;
    // No session is the operator's own: none is current.
    const rows = await sessions.list(userId, '');
    return rows
      .map((row) => ({ ...row, last_active: new Date(sessions.lastActive(row)) }))
      .sort((a, b) => b.last_active.getTime() - a.last_active.getTime())
      .map((row) => {
        const { isCurrent: _, ...session } = toPublicSession(row, '');
        return session;
      });
  }

  /** 404 `session_not_found` alike for unknown and already ended sessions. */
  async revokeSession(sessionId: string, operator: Operator): Promise<void> {
    const ended = await this.deps.sessions.endings.end({ sessionId }, 'admin', cause('one', operator));
    if (ended.length === 0) throw new TenureError('session_not_found', 'No such session.');
  }

  async revokeAll(userId: string, operator: Operator): Promise<number> {
    return this.deps.sessions.endAllOf(userId, null, 'admin', cause('all', operator));
  }

  /** Records the user disabled, then ends every session they have: in that order (see DisabledUsers). */
  async disable(userId: string, operator: Operator): Promise<number> {
    const newly = await this.deps.disabledUsers.disable(userId, operator.note);
    const revokedCount = await this.deps.sessions.endAllOf(
      userId,
      null,
      'user_disabled',
      cause('all', operator),
    );
    if (newly) await this.record('account_disabled', userId, operator);
    return revokedCount;
  }

  /** Idempotent: enabling a user who is not disabled changes nothing. */
  async enable(userId: string, operator: Operator): Promise<void> {
    if (await this.deps.disabledUsers.enable(userId)) await this.record('account_enabled', userId, operator);
  }

  /** The operator's address is not the user's business: the row carries the request id instead. */
  private record(type: 'account_disabled' | 'account_enabled', userId: string, operator: Operator) {
    const { note, requestId } = operator;
    return this.deps.events.record({
      type,
      userId,
      detail: { by: 'admin', actor: 'admin', ...(note && { note }), requestId },
      at: new Date(this.deps.clock.now()),
    });
  }
}

function cause(scope: EndingCause['scope'], { note, requestId }: Operator): EndingCause {
  return { actor: 'admin', scope, requestId, ...(note && { note }) };
}
