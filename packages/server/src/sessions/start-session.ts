import type { FastifyReply } from 'fastify';
import type { AccountGate } from '../admin/disabled-users.ts';
import type { Clock } from '../clock.ts';
import type { Geolocator } from '../devices/index.ts';
import { TenureError } from '../errors.ts';
import type { RefreshCookie } from './refresh-cookie.ts';
import type { PublicUser, SignedInResponse } from './schemas.ts';
import type { SessionService } from './session-service.ts';
import { signInContext } from './sign-in-context.ts';
import { type PolicyConfig, signedInBody, signInTransport } from './signed-in.ts';

/** What the app knows about the user it signed in; shown back in the sign-in body. */
export interface StartSessionProfile {
  email?: string;
  name?: string;
}

export interface StartSessionDeps {
  sessions: SessionService;
  /** Whether an id belongs to one of Tenure's own password accounts. */
  isPasswordUser: (userId: string) => Promise<boolean>;
  /** Refuses users an operator disabled (403 `account_disabled`). */
  accounts: AccountGate;
  geolocator: Geolocator;
  cookie: RefreshCookie;
  config: PolicyConfig;
  clock: Clock;
}

const MAX_USER_ID_LENGTH = 255;

/**
 * `reply.startSession(userId, profile?)`: a session for a user the app authenticated itself
 * (OAuth, magic link, SSO). Same device capture, events and session cap as a password sign-in;
 * the refresh token goes into the cookie, or into the body for a non-browser client that asks.
 * Resolves to the sign-in body for the handler to return. Never pass an id the client sent.
 */
export function startSessionFor(deps: StartSessionDeps) {
  return async function startSession(
    this: FastifyReply,
    userId: string,
    profile: StartSessionProfile = {},
  ): Promise<SignedInResponse> {
    if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID_LENGTH) {
      throw new TenureError(
        'invalid_request',
        `A user id is a string of 1 to ${MAX_USER_ID_LENGTH} characters.`,
      );
    }
    // No taking over a password account by naming its id.
    if (await deps.isPasswordUser(userId)) {
      throw new TenureError(
        'invalid_request',
        'This user id belongs to a password account; it signs in with /login.',
      );
    }
    const context = await signInContext(this.request, deps.geolocator);
    const issued = await deps.accounts.startUnlessDisabled(userId, () =>
      deps.sessions.start(userId, context, { firstSignIn: false }),
    );
    const user: PublicUser = {
      id: userId,
      ...(profile.email !== undefined && { email: profile.email }),
      ...(profile.name !== undefined && { name: profile.name }),
    };
    const transport = signInTransport(this.request);
    const nowMs = deps.clock.now();
    if (transport === 'cookie') deps.cookie.set(this, issued.refreshToken, issued.session.expires_at, nowMs);
    this.status(200).header('cache-control', 'no-store');
    return signedInBody({ issued, user, transport, config: deps.config, nowMs });
  };
}
