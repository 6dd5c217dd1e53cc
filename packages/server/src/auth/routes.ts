import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenureError } from '../errors.ts';
import { bearerSecurity, errorResponses } from '../http/schemas.ts';
import type { Services } from '../http/services.ts';
import { bearerToken } from '../plugins/authenticate.ts';
import { requestContext, signInContext } from '../sessions/sign-in-context.ts';
import type { SignedIn } from './auth-service.ts';
import { toPublicUser, toSignedInResponse } from './present.ts';
import {
  LoginBody,
  MeResponse,
  RefreshBody,
  RegisterBody,
  SessionPolicy,
  SignedInResponse,
} from './schemas.ts';

/** Non-browser clients ask for the refresh token in the body instead of a cookie. */
function wantsBodyTransport(request: FastifyRequest): boolean {
  return request.headers['x-token-transport'] === 'body';
}

export const authRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { auth, sessions, config, clock, refreshCookie, geolocator, users } = services;
  const tags = ['auth'];

  function sendSignedIn(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn, status: number) {
    const bodyTransport = wantsBodyTransport(request);
    if (!bodyTransport)
      refreshCookie.set(reply, signedIn.refreshToken, signedIn.session.expires_at, clock.now());
    return reply
      .status(status)
      .send(toSignedInResponse(signedIn, signedIn.user, config, clock.now(), bodyTransport));
  }

  app.post(
    '/register',
    {
      schema: { tags, body: RegisterBody, response: { 201: SignedInResponse, ...errorResponses } },
      config: { csrf: true, limits: ['register-ip'] },
    },
    async (request, reply) => {
      const { email, password, name } = request.body;
      const signedIn = await auth.register(
        { email, password, name: name ?? null },
        await signInContext(request, geolocator),
      );
      return sendSignedIn(request, reply, signedIn, 201);
    },
  );

  app.post(
    '/login',
    {
      schema: { tags, body: LoginBody, response: { 200: SignedInResponse, ...errorResponses } },
      config: { csrf: true, limits: ['login-ip'] },
    },
    async (request, reply) => {
      const signedIn = await auth.login(request.body, await signInContext(request, geolocator));
      return sendSignedIn(request, reply, signedIn, 200);
    },
  );

  app.post(
    '/refresh',
    {
      schema: { tags, body: RefreshBody, response: { 200: SignedInResponse, ...errorResponses } },
      config: { csrf: true, limits: ['refresh-ip', 'refresh-session'] },
    },
    async (request, reply) => {
      const token = request.body?.refreshToken ?? refreshCookie.read(request);
      if (!token) throw new TenureError('invalid_refresh_token', 'No refresh token was sent.');
      try {
        const issued = await sessions.refresh(token, await signInContext(request, geolocator));
        const user = await users.findById(issued.session.user_id);
        if (!user) throw new TenureError('invalid_refresh_token', 'The refresh token is not valid.');
        return sendSignedIn(request, reply, { ...issued, user }, 200);
      } catch (error) {
        // A refresh that failed for good leaves no cookie behind to fail again.
        if (error instanceof TenureError && error.status === 401 && !request.body?.refreshToken)
          refreshCookie.clear(reply);
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
      refreshCookie.clear(reply);
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
        users.findById(request.auth.userId),
        sessions.findSession(request.auth.sessionId),
      ]);
      if (!user || !session) throw new TenureError('session_revoked', 'This session has been signed out.');
      return {
        user: toPublicUser(user),
        session: {
          id: session.session_id,
          expiresAt: session.expires_at.toISOString(),
          createdAt: session.created_at.toISOString(),
          lastActive: new Date(
            Math.max(session.last_active.getTime(), services.activity.lastActivity(session.session_id) ?? 0),
          ).toISOString(),
        },
      };
    },
  );

  app.get('/config', { schema: { tags, response: { 200: SessionPolicy } } }, async () => ({
    inactivityTimeoutSeconds: config.inactivityTimeoutMs / 1000,
    activityCheckIntervalSeconds: config.activityCheckIntervalMs / 1000,
    accessTokenTtlSeconds: config.accessTokenTtlMs / 1000,
    sessionExpiresInSeconds: config.sessionExpiryMs / 1000,
  }));

  /**
   * Logout accepts the access token or the refresh cookie. Whatever is sent must be genuine
   * (a bad token is not silently ignored), but an already-ended session is fine: 204.
   */
  async function sessionOfLogout(
    request: FastifyRequest,
    bodyToken: string | undefined,
  ): Promise<string | undefined> {
    const accessToken = bearerToken(request);
    if (request.headers.authorization && !accessToken) {
      throw new TenureError('invalid_token', 'The access token is not valid.');
    }
    if (accessToken) {
      try {
        return (await sessions.authenticate(accessToken)).sessionId;
      } catch (error) {
        // Expired or already revoked: the refresh cookie, if any, still names the session.
        if (!(error instanceof TenureError) || !['session_revoked', 'token_expired'].includes(error.code))
          throw error;
      }
    }
    const refreshToken = bodyToken ?? refreshCookie.read(request);
    return refreshToken ? sessions.sessionIdOfRefreshToken(refreshToken) : undefined;
  }
};
