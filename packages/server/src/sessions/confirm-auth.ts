import type { FastifyReply } from 'fastify';
import type { Clock } from '../clock.ts';
import { TenureError } from '../errors.ts';
import type { SignedInResponse } from './schemas.ts';
import type { SessionService } from './session-service.ts';
import { type PolicyConfig, type ProfileLookup, signedInBody } from './signed-in.ts';

export interface ConfirmAuthDeps {
  sessions: SessionService;
  profiles: ProfileLookup;
  config: PolicyConfig;
  clock: Clock;
}

/**
 * `reply.confirmAuth()`: the app has just checked, its own way (a passkey, its SSO's fresh
 * login), that the person behind this request is who they say. In a handler behind
 * `app.authenticate`: the session's sign-in time becomes now and the handler returns the
 * sign-in body with a fresh access token. Same session; the refresh token is not rotated.
 */
export function confirmAuthFor(deps: ConfirmAuthDeps) {
  return async function confirmAuth(this: FastifyReply): Promise<SignedInResponse> {
    const auth = this.request.auth;
    if (!auth) {
      throw new TenureError('invalid_token', 'reply.confirmAuth() needs a route behind app.authenticate.');
    }
    const issued = await deps.sessions.confirmAuth(auth);
    const user = await deps.profiles(auth.userId);
    this.status(200).header('cache-control', 'no-store');
    // `cookie`: whichever way the refresh token travels, it stays where it is.
    return signedInBody({ issued, user, transport: 'cookie', config: deps.config, nowMs: deps.clock.now() });
  };
}
