import type { Clock } from '../clock.ts';
import type { SessionRow } from '../db/schema.ts';
import { deviceKey } from '../devices/index.ts';
import type { ActivityTracker } from './activity.ts';
import type { Endings } from './endings.ts';
import type { SessionOutcomes } from './outcomes.ts';
import { toFacts } from './public-session.ts';
import type { SessionRepository } from './session-repository.ts';
import type { SignInContext } from './sign-in-context.ts';

/** How far back "a device or country used before" looks. */
export const NEW_DEVICE_LOOKBACK_MS = 90 * 24 * 60 * 60_000;

/** Earlier sign-ins of a user (the audit log answers it). */
export interface SignInHistory {
  /** Whether the user signed in since `since` with this device key, or from this country. */
  hasSignedIn(
    userId: string,
    since: Date,
    match: { deviceKey: string } | { country: string },
  ): Promise<boolean>;
}

/** A session comes into being: stored, announced, novelty and the per-user cap applied. */
export class SignIns {
  constructor(
    private readonly deps: {
      repository: SessionRepository;
      activity: ActivityTracker;
      outcomes: SessionOutcomes;
      history: SignInHistory;
      endings: Endings;
      clock: Clock;
      policy: { maxSessionsPerUser: number };
    },
  ) {}

  async record(
    session: SessionRow,
    context: SignInContext,
    options: { firstSignIn: boolean },
  ): Promise<void> {
    const { repository, outcomes } = this.deps;
    const key = deviceKey(context.device);
    // Compared with earlier sign-ins before this one joins them. A first sign-in has nothing
    // to compare with; an unknown or local-network location is never "new".
    const novelty = options.firstSignIn
      ? { newDevice: false, newLocation: false }
      : await this.novelty(session.user_id, key, context.country);
    await repository.insert(session, {
      newDevice: novelty.newDevice,
      newCountry: novelty.newLocation ? context.country : null,
    });
    this.deps.activity.markWritten(session.session_id);
    const facts = toFacts(session);
    // The cap first: whoever hears `created` (devices per user) sees the sessions that remain.
    await this.enforceSessionLimit(session, context);
    await outcomes.emit({
      type: 'created',
      session: facts,
      context,
      firstSignIn: options.firstSignIn,
      deviceKey: key,
    });
    if (novelty.newDevice) await outcomes.emit({ type: 'new_device', session: facts, context });
    if (novelty.newLocation && context.country) {
      await outcomes.emit({ type: 'new_location', session: facts, context, country: context.country });
    }
  }

  private async novelty(userId: string, key: string, country: string | null) {
    const since = new Date(this.deps.clock.now() - NEW_DEVICE_LOOKBACK_MS);
    const { history } = this.deps;
    const [knownDevice, knownCountry] = await Promise.all([
      history.hasSignedIn(userId, since, { deviceKey: key }),
      country ? history.hasSignedIn(userId, since, { country }) : true,
    ]);
    return { newDevice: !knownDevice, newLocation: !knownCountry };
  }

  /** Beyond the cap, the least recently active sessions are signed out (reason `session_limit`). */
  private async enforceSessionLimit(session: SessionRow, context: SignInContext): Promise<void> {
    const excess = await this.deps.repository.findActiveBeyondLimit(
      session.user_id,
      this.deps.policy.maxSessionsPerUser,
      new Date(this.deps.clock.now()),
    );
    for (const sessionId of excess) {
      // The sign-in that pushed the oldest session out is the context of its ending.
      await this.deps.endings.end({ sessionId, userId: session.user_id }, 'session_limit', {
        actor: 'system',
        scope: 'one',
        bySessionId: session.session_id,
        context,
      });
    }
  }
}
