import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../clock.ts';
import { bearerSecurity, errorResponses } from '../http/schemas.ts';
import { SignedInResponse } from '../sessions/schemas.ts';
import { requestContext } from '../sessions/sign-in-context.ts';
import { type PolicyConfig, signedInBody } from '../sessions/signed-in.ts';
import type { AuthService } from './auth-service.ts';
import { ReauthBody } from './schemas.ts';
import { toPublicUser } from './user-repository.ts';

export interface ReauthRoutesOptions {
  auth: AuthService;
  config: PolicyConfig;
  clock: Clock;
}

/**
 * `POST /reauth`: "confirm it's you" before a sensitive action. Needs the access token (so no
 * cookie and no CSRF check); answers the sign-in body with a fresh `auth_time`, for the same
 * session, without rotating the refresh token (so never a refresh token in the body).
 */
export const reauthRoutes: FastifyPluginAsyncTypebox<ReauthRoutesOptions> = async (app, options) => {
  const { auth, config, clock } = options;
  app.post(
    '/reauth',
    {
      schema: {
        tags: ['auth'],
        security: bearerSecurity,
        body: ReauthBody,
        response: { 200: SignedInResponse, ...errorResponses },
      },
      preHandler: app.authenticate,
      config: { limits: ['login-ip'] },
    },
    async (request) => {
      const confirmed = await auth.reauth(request.auth, request.body.password, requestContext(request));
      const user = toPublicUser(confirmed.user);
      return signedInBody({ issued: confirmed, user, transport: 'cookie', config, nowMs: clock.now() });
    },
  );
};
