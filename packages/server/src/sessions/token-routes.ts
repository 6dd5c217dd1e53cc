import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import type { Geolocator } from '../devices/index.ts';
import { TenureError } from '../errors.ts';
import { bearerSecurity, errorResponses } from '../http/schemas.ts';
import { bearerToken } from '../plugins/authenticate.ts';
import type { RefreshCookie } from './refresh-cookie.ts';
import { MeResponse, RefreshBody, SessionPolicy, SignedInResponse } from './schemas.ts';
import type { SessionService } from './session-service.ts';
import { requestContext, signInContext } from './sign-in-context.ts';
import { type PolicyConfig, type ProfileLookup, policyOf, sendSignedIn } from './signed-in.ts';

export interface TokenRoutesOptions {
  sessions: SessionService;
  cookie: RefreshCookie;
  profiles: ProfileLookup;
  geolocator: Geolocator;
  config: PolicyConfig;
  clock: Clock;
}

/** Refresh, logout, `/me` and the session policy: the same for every kind of sign-in. */
const tokenRoutes: FastifyPluginAsyncTypebox<TokenRoutesOptions> = async (app, options) => {
  const { sessions, cookie, profiles, geolocator, config, clock } = options;
  const tags = ['sessions'];

  app.post(
    '/refresh',
    {
      schema: { tags, body: RefreshBody, response: { 200: SignedInResponse, ...errorResponses } },
      config: { csrf: true, limits: ['refresh-ip', 'refresh-session'] },
    },
    async (request, reply) => {
      const bodyToken = request.body?.refreshToken;
      const token = bodyToken ?? cookie.read(request);
      if (!token) throw new TenureError('invalid_refresh_token', 'No refresh token was sent.');
      try {
        const issued = await sessions.refresh(token, await signInContext(request, geolocator));
        const user = await profiles(issued.session.user_id);
        const transport = bodyToken === undefined ? 'cookie' : 'body';
        return sendSignedIn(reply, {
          issued,
          user,
          transport,
          status: 200,
          cookie,
          config,
          nowMs: clock.now(),
        });
      } catch (error) {
        // A refresh that failed for good leaves no cookie behind to fail again.
        if (error instanceof TenureError && error.status === 401 && bodyToken === undefined)
          cookie.clear(reply);
        throw error;
      }
    },
  );

  app.post(
    '/logout',
    {
      schema: { tags, body: RefreshBody, response: { 204: Type.Null(), ...errorResponses } },
      config: { csrf: true },
    },
    async (request, reply) => {
      const sessionId = await sessionOfLogout(request, request.body?.refreshToken);
      if (sessionId) await sessions.logout(sessionId, requestContext(request));
      cookie.clear(reply);
      // Also drops any copy of the cookie the browser holds under other attributes.
      reply.header('clear-site-data', '"cookies"');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: { tags, security: bearerSecurity, response: { 200: MeResponse, ...errorResponses } },
      preHandler: app.authenticate,
    },
    async (request) => {
      const [user, session] = await Promise.all([
        profiles(request.auth.userId),
        sessions.findSession(request.auth.sessionId),
      ]);
      if (!session) throw new TenureError('session_revoked', 'This session has been signed out.');
      return {
        user,
        session: {
          id: session.session_id,
          expiresAt: session.expires_at.toISOString(),
          createdAt: session.created_at.toISOString(),
          lastActive: new Date(sessions.lastActive(session)).toISOString(),
        },
      };
    },
  );

  app.get('/config', { schema: { tags, response: { 200: SessionPolicy } } }, async () =>
    policyOf(config, config.sessionExpiryMs),
  );

  /**
   * Logout accepts the access token or the refresh token. Whatever is sent must be genuine (a
   * bad token is not silently ignored), but an already-ended session is fine: 204.
   */
  async function sessionOfLogout(request: FastifyRequest, bodyToken: string | undefined) {
    const accessToken = bearerToken(request);
    if (request.headers.authorization && !accessToken) {
      throw new TenureError('invalid_token', 'The access token is not valid.');
    }
    if (accessToken) {
      try {
        return (await sessions.authenticate(accessToken)).sessionId;
      } catch (error) {
        // Expired or already signed out: the refresh token, if any, still names the session.
        if (!(error instanceof TenureError) || !['session_revoked', 'token_expired'].includes(error.code))
          throw error;
      }
    }
    const refreshToken = bodyToken ?? cookie.read(request);
    return refreshToken ? sessions.sessionIdOfRefreshToken(refreshToken) : undefined;
  }
};

export default fp(tokenRoutes, {
  name: 'tenure-token-routes',
  dependencies: ['tenure-authenticate'],
  encapsulate: true,
});
