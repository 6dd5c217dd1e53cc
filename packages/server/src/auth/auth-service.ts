import type { Clock } from '../clock.ts';
import type { UserRow } from '../db/schema.ts';
import { deviceKey } from '../devices/index.ts';
import { TenureError } from '../errors.ts';
import type { Metrics } from '../ops/metrics.ts';
import { LoginThrottle } from '../security/login-throttle.ts';
import { assertAcceptablePassword } from '../security/password-policy.ts';
import type { SecurityEvents } from '../security-events/security-events.ts';
import type { IssuedSession, SessionService } from '../sessions/session-service.ts';
import type { SignInContext } from '../sessions/sign-in-context.ts';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import type { UserRepository } from './user-repository.ts';

export interface SignedIn extends IssuedSession {
  user: UserRow;
}

const NEW_DEVICE_WINDOW_MS = 90 * 24 * 60 * 60_000;

export class AuthService {
  constructor(
    private readonly deps: {
      users: UserRepository;
      sessions: SessionService;
      events: SecurityEvents;
      metrics: Metrics;
      clock: Clock;
      /** Failed sign-ins per account; null when RATE_LIMITS is off (load tests). */
      throttle: LoginThrottle | null;
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
    return this.signIn(user, context, { firstSignIn: true });
  }

  /**
   * Same answer, and similar time, for an unknown email and a wrong password; both count
   * against the account's failure budget, so the limiter does not tell them apart either.
   */
  async login(input: { email: string; password: string }, context: SignInContext): Promise<SignedIn> {
    const account = LoginThrottle.accountKey(input.email);
    await this.assertNotThrottled(account, context, async () => {
      return (await this.deps.users.findByEmail(input.email))?.user_id ?? null;
    });
    const user = await this.deps.users.findByEmail(input.email);
    const valid = user
      ? await verifyPassword(user.password_hash, input.password)
      : await verifyAgainstDummy(input.password);
    if (!user || !valid) {
      this.deps.metrics.login('invalid_credentials');
      await this.recordFailure(account, user?.user_id ?? null, context, 'login');
      throw new TenureError('invalid_credentials', 'The email or password is incorrect.');
    }
    await this.deps.throttle?.recordSuccess(account);
    if (needsRehash(user.password_hash)) {
      await this.deps.users.updatePasswordHash(user.user_id, await hashPassword(input.password));
    }
    return this.signIn(user, context, { firstSignIn: false });
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
    await this.assertNotThrottled(account, context, async () => user.user_id);
    if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
      await this.recordFailure(account, user.user_id, context, 'password_change');
      throw new TenureError('invalid_credentials', 'The current password is incorrect.');
    }
    assertAcceptablePassword(input.newPassword, { email: user.email });
    if (input.newPassword === input.currentPassword) {
      throw new TenureError('invalid_request', 'The new password must differ from the current one.');
    }
    await this.deps.users.updatePasswordHash(user.user_id, await hashPassword(input.newPassword));
    const revokedCount = await this.deps.sessions.revokeAllExcept(
      user.user_id,
      auth.sessionId,
      'password_change',
    );
    await this.deps.events.record({
      type: 'password_changed',
      userId: user.user_id,
      sessionId: auth.sessionId,
      ipAddress: context.ipAddress,
      userAgent: context.userAgent,
      detail: { revokedCount },
      at: new Date(this.deps.clock.now()),
    });
    return { revokedCount };
  }

  /** 429 while the account is held back or locked; one `rate_limited` event per hold. */
  private async assertNotThrottled(
    account: string,
    context: SignInContext,
    owner: () => Promise<string | null>,
  ): Promise<void> {
    const throttle = this.deps.throttle;
    if (!throttle) return;
    const gate = await throttle.check(account);
    if (gate.allowed) return;
    this.deps.metrics.login(gate.locked ? 'locked' : 'rate_limited');
    if (await throttle.firstRefusal(account, gate.retryAfterMs)) {
      await this.deps.events.record({
        type: 'rate_limited',
        userId: await owner(),
        ipAddress: context.ipAddress,
        userAgent: context.userAgent,
        detail: {
          limit: 'login-account',
          locked: gate.locked,
          retryAfterSeconds: toSeconds(gate.retryAfterMs),
        },
        at: new Date(this.deps.clock.now()),
      });
    }
    throw new TenureError('rate_limited', 'Too many failed sign-ins. Please try again later.', {
      retryAfterSeconds: toSeconds(gate.retryAfterMs),
    });
  }

  private async recordFailure(
    account: string,
    userId: string | null,
    context: SignInContext,
    during: 'login' | 'password_change',
  ): Promise<void> {
    const at = new Date(this.deps.clock.now());
    const common = { userId, ipAddress: context.ipAddress, userAgent: context.userAgent, at };
    await this.deps.events.record({
      ...common,
      type: 'login_failure',
      detail: { reason: 'invalid_credentials', ...(during === 'password_change' && { during }) },
    });
    const outcome = await this.deps.throttle?.recordFailure(account);
    if (outcome?.lockedNow) {
      await this.deps.events.record({
        ...common,
        type: 'account_locked',
        detail: {
          consecutiveFailures: outcome.consecutiveFailures,
          lockedForSeconds: toSeconds(outcome.blockedForMs ?? 0),
        },
      });
    }
  }

  private async signIn(
    user: UserRow,
    context: SignInContext,
    options: { firstSignIn: boolean },
  ): Promise<SignedIn> {
    const issued = await this.deps.sessions.start(user.user_id, context);
    const key = deviceKey(context.device);
    if (!options.firstSignIn)
      await this.detectNewDevice(user.user_id, issued.session.session_id, key, context);
    this.deps.metrics.login('ok');
    await this.deps.events.record({
      type: 'login_success',
      userId: user.user_id,
      sessionId: issued.session.session_id,
      ipAddress: context.ipAddress,
      userAgent: context.userAgent,
      detail: { deviceKey: key, country: context.country, registration: options.firstSignIn },
      at: new Date(this.deps.clock.now()),
    });
    return { ...issued, user };
  }

  /** A sign-in from a device or country not used in 90 days is worth telling the user about. */
  private async detectNewDevice(userId: string, sessionId: string, key: string, context: SignInContext) {
    const repository = this.deps.events.repository;
    const since = new Date(this.deps.clock.now() - NEW_DEVICE_WINDOW_MS);
    const common = {
      userId,
      sessionId,
      ipAddress: context.ipAddress,
      userAgent: context.userAgent,
      at: new Date(this.deps.clock.now()),
    };
    const knownDevice = await repository.hasSince(userId, since, {
      types: ['login_success'],
      key: 'deviceKey',
      value: key,
    });
    if (!knownDevice) {
      await this.deps.events.record({
        ...common,
        type: 'new_device',
        detail: {
          deviceType: context.device.deviceType,
          deviceName: context.device.deviceName,
          browser: context.device.browser,
          os: context.device.os,
          location: context.location,
        },
      });
    }
    if (context.country) {
      const knownCountry = await repository.hasSince(userId, since, {
        types: ['login_success'],
        key: 'country',
        value: context.country,
      });
      if (!knownCountry) {
        await this.deps.events.record({
          ...common,
          type: 'new_location',
          detail: { country: context.country, location: context.location },
        });
      }
    }
  }
}

function toSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
