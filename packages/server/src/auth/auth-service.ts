import type { Clock } from '../clock.ts';
import type { UserRow } from '../db/schema.ts';
import { deviceKey } from '../devices/index.ts';
import { TenureError } from '../errors.ts';
import type { Metrics } from '../ops/metrics.ts';
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
    },
  ) {}

  async register(
    input: { email: string; password: string; name: string | null },
    context: SignInContext,
  ): Promise<SignedIn> {
    const user = await this.deps.users.insert({
      email: input.email,
      passwordHash: await hashPassword(input.password),
      name: input.name,
    });
    if (!user) throw new TenureError('email_taken', 'An account with this email already exists.');
    return this.signIn(user, context, { firstSignIn: true });
  }

  /** Same answer, and similar time, for an unknown email and a wrong password. */
  async login(input: { email: string; password: string }, context: SignInContext): Promise<SignedIn> {
    const user = await this.deps.users.findByEmail(input.email);
    const valid = user
      ? await verifyPassword(user.password_hash, input.password)
      : await verifyAgainstDummy(input.password);
    if (!user || !valid) {
      this.deps.metrics.login('invalid_credentials');
      await this.deps.events.record({
        type: 'login_failure',
        userId: user?.user_id ?? null,
        ipAddress: context.ipAddress,
        userAgent: context.userAgent,
        detail: { reason: 'invalid_credentials' },
        at: new Date(this.deps.clock.now()),
      });
      throw new TenureError('invalid_credentials', 'The email or password is incorrect.');
    }
    if (needsRehash(user.password_hash)) {
      await this.deps.users.updatePasswordHash(user.user_id, await hashPassword(input.password));
    }
    return this.signIn(user, context, { firstSignIn: false });
  }

  private async signIn(
    user: UserRow,
    context: SignInContext,
    options: { firstSignIn: boolean },
  ): Promise<SignedIn> {
    const issued = await this.deps.sessions.start(user.user_id, context);
    const key = deviceKey({ ...context.device, userAgent: context.userAgent ?? '' });
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
