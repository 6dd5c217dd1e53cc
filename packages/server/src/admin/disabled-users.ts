import type { Clock } from '../clock.ts';
import { TenureError } from '../errors.ts';
import type { Endings } from '../sessions/endings.ts';
import type { IssuedSession } from '../sessions/session-service.ts';
import type { DisabledUserRepository } from './disabled-user-repository.ts';

/** What sign-ins need to know: start a session only for a user who is not disabled. */
export interface AccountGate {
  /**
   * Runs `start` unless `userId` is disabled (403 `account_disabled`). Call it only once the
   * user has proven who they are, so that the answer tells nothing to someone who has not.
   */
  startUnlessDisabled<T extends IssuedSession>(userId: string, start: () => Promise<T>): Promise<T>;
}

/**
 * Disabled users: recorded by an operator, refused at every sign-in. Disabling records the user
 * first and then ends their sessions; a sign-in checks before it starts a session and again
 * after, so one that raced a disable either sees it or has its session ended by it.
 */
export class DisabledUsers implements AccountGate {
  constructor(
    private readonly deps: { repository: DisabledUserRepository; endings: Endings; clock: Clock },
  ) {}

  /** True when this call disabled the user (false when they already were). */
  disable(userId: string, actor: string | undefined): Promise<boolean> {
    const at = new Date(this.deps.clock.now());
    return this.deps.repository.disable({ userId, actor: actor ?? null, at });
  }

  /** True when the user was disabled until this call. */
  enable(userId: string): Promise<boolean> {
    return this.deps.repository.enable(userId);
  }

  async startUnlessDisabled<T extends IssuedSession>(userId: string, start: () => Promise<T>): Promise<T> {
    await this.assertEnabled(userId);
    const issued = await start();
    // A disable that landed while this session was being created ended every session it found,
    // maybe before this one existed: end it here instead.
    if (await this.deps.repository.isDisabled(userId)) {
      await this.deps.endings.end({ sessionId: issued.session.session_id }, 'user_disabled', {
        actor: 'admin',
        scope: 'one',
      });
      throw disabled();
    }
    return issued;
  }

  private async assertEnabled(userId: string): Promise<void> {
    if (await this.deps.repository.isDisabled(userId)) throw disabled();
  }
}

function disabled(): TenureError {
  return new TenureError('account_disabled', 'This account has been disabled.');
}
