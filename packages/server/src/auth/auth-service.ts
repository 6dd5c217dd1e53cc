import type { AccountGate } from '../admin/disabled-users.ts';
import type { Clock } from '../clock.ts';
import type { UserRow } from '../db/schema.ts';
import { TenureError } from '../errors.ts';
import { LoginThrottle } from '../security/login-throttle.ts';
import { assertAcceptablePassword } from '../security/password-policy.ts';
import type { SessionOutcomes } from '../sessions/outcomes.ts';
import type {
  Authenticated,
  IssuedSession,
  ReissuedSession,
  SessionService,
} from '../sessions/session-service.ts';
import type { SignInContext } from '../sessions/sign-in-context.ts';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import type { UserRepository } from './user-repository.ts';

export interface SignedIn extends IssuedSession {
  user: UserRow;
}

/** Tenure's own password accounts: register, sign in, change the password. */
export class AuthService {
  constructor(
    private readonly deps: {
      users: UserRepository;
      sessions: SessionService;
      outcomes: SessionOutcomes;
      /** Failed sign-ins per account; null when RATE_LIMITS is off (load tests). */
      throttle: LoginThrottle | null;
      /** Refuses users an operator disabled. */
      accounts: AccountGate;
      clock: Clock;
    },
  ) {}

  async register(
    input: { email: string; password: string; name: string | null },
    context: SignInContext,
  ): Promise<SignedIn> {
    assertAcceptablePassword(input.password, { email: input.email });
    const user = await this.deps.users.insert({
      email: input.email,
      passwordHash: await hashPassword(input.password),
      name: input.name,
    });
    if (!user) throw new TenureError('email_taken', 'An account with this email already exists.');
    const issued = await this.deps.sessions.start(user.user_id, context, { firstSignIn: true });
    return { ...issued, user };
  }

  /**
   * Same answer, and similar time, for an unknown email and a wrong password; both count
   * against the account's failure budget, so the limiter does not tell them apart either.
   */
  async login(input: { email: string; password: string }, context: SignInContext): Promise<SignedIn> {
    const account = LoginThrottle.accountKey(input.email);
    const user = await this.deps.users.findByEmail(input.email);
    await this.assertNotThrottled(account, user?.user_id ?? null, context);
    const valid = user
      ? await verifyPassword(user.password_hash, input.password)
      : await verifyAgainstDummy(input.password);
    if (!user || !valid) {
      await this.recordFailure(account, user?.user_id ?? null, context, 'login');
      throw new TenureError('invalid_credentials', 'The email or password is incorrect.');
    }
    await this.deps.throttle?.recordSuccess(account);
    if (needsRehash(user.password_hash)) {
      await this.deps.users.updatePasswordHash(user.user_id, await hashPassword(input.password));
    }
    // Only now, so that "disabled" is never an answer to someone who does not know the password.
    const issued = await this.deps.accounts.startUnlessDisabled(user.user_id, () =>
      this.deps.sessions.start(user.user_id, context, { firstSignIn: false }),
    );
    return { ...issued, user };
  }

  /**
   * `POST /password`: proves the current password (a wrong one counts as a failed sign-in),
   * stores the new hash and ends every other session; the caller's session stays signed in.
   */
  async changePassword(
    auth: { userId: string; sessionId: string },
    input: { currentPassword: string; newPassword: string },
    context: SignInContext,
  ): Promise<{ revokedCount: number }> {
    const user = await this.deps.users.findById(auth.userId);
    if (!user) throw new TenureError('session_revoked', 'This session has been signed out.');
    const account = LoginThrottle.accountKey(user.email);
    await this.assertNotThrottled(account, user.user_id, context);
    if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
      await this.recordFailure(account, user.user_id, context, 'password_change');
      throw new TenureError('invalid_credentials', 'The current password is incorrect.');
    }
    assertAcceptablePassword(input.newPassword, { email: user.email });
    if (input.newPassword === input.currentPassword) {
      throw new TenureError('invalid_request', 'The new password must differ from the current one.');
    }
    await this.deps.users.changePassword({
      userId: user.user_id,
      passwordHash: await hashPassword(input.newPassword),
      sessionId: auth.sessionId,
      at: new Date(this.deps.clock.now()),
    });
    const revokedCount = await this.deps.sessions.endAllOf(user.user_id, auth.sessionId, 'password_change', {
      actor: 'user',
      scope: 'all',
      bySessionId: auth.sessionId,
      context,
    });
    await this.deps.outcomes.emit({
      type: 'password_changed',
      userId: user.user_id,
      sessionId: auth.sessionId,
      revokedCount,
      context,
    });
    return { revokedCount };
  }

  /**
   * `POST /reauth`: proves the password again for the current session before a sensitive action.
   * Throttled and counted like a sign-in (a stolen access token must not become a password
   * oracle); success refreshes the session's sign-in time, without a new session or rotation.
   */
  async reauth(
    auth: Authenticated,
    password: string,
    context: SignInContext,
  ): Promise<ReissuedSession & { user: UserRow }> {
    const user = await this.deps.users.findById(auth.userId);
    if (!user) throw new TenureError('session_revoked', 'This session has been signed out.');
    const account = LoginThrottle.accountKey(user.email);
    await this.assertNotThrottled(account, user.user_id, context);
    if (!(await verifyPassword(user.password_hash, password))) {
      await this.recordFailure(account, user.user_id, context, 'reauth');
      throw new TenureError('invalid_credentials', 'The password is incorrect.');
    }
    await this.deps.throttle?.recordSuccess(account);
    return { ...(await this.deps.sessions.confirmAuth(auth)), user };
  }

  /** 429 while the account is held back or locked. */
  private async assertNotThrottled(account: string, userId: string | null, context: SignInContext) {
    const throttle = this.deps.throttle;
    if (!throttle) return;
    const gate = await throttle.check(account);
    if (gate.allowed) return;
    const retryAfterSeconds = toSeconds(gate.retryAfterMs);
    await this.deps.outcomes.emit({
      type: 'sign_in_throttled',
      userId,
      locked: gate.locked,
      retryAfterSeconds,
      first: await throttle.firstRefusal(account, gate.retryAfterMs),
      context,
    });
    throw new TenureError('rate_limited', 'Too many failed sign-ins. Please try again later.', {
      retryAfterSeconds,
    });
  }

  private async recordFailure(
    account: string,
    userId: string | null,
    context: SignInContext,
    during: 'login' | 'password_change' | 'reauth',
  ): Promise<void> {
    await this.deps.outcomes.emit({ type: 'sign_in_failed', userId, during, context });
    const outcome = await this.deps.throttle?.recordFailure(account);
    if (outcome?.lockedNow) {
      await this.deps.outcomes.emit({
        type: 'account_locked',
        userId,
        consecutiveFailures: outcome.consecutiveFailures,
        lockedForSeconds: toSeconds(outcome.blockedForMs ?? 0),
        context,
      });
    }
  }
}

function toSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
