import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Geolocator } from '../devices/index.ts';
import { errorResponses } from '../http/schemas.ts';
import type { RefreshCookie } from '../sessions/refresh-cookie.ts';
import { SignedInResponse } from '../sessions/schemas.ts';
import { signInContext } from '../sessions/sign-in-context.ts';
import { type PolicyConfig, sendSignedIn, signInTransport } from '../sessions/signed-in.ts';
import type { AuthService, SignedIn } from './auth-service.ts';
import { LoginBody, RegisterBody } from './schemas.ts';
import { toPublicUser } from './user-repository.ts';

export interface AuthRoutesOptions {
  auth: AuthService;
  cookie: RefreshCookie;
  geolocator: Geolocator;
  config: PolicyConfig;
  clock: Clock;
}

/** Sign-up and sign-in with Tenure's own password accounts. */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, options) => {
  const { auth, cookie, geolocator, config, clock } = options;
  const tags = ['auth'];

  function send(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn, status: number) {
    const transport = signInTransport(request);
    const user = toPublicUser(signedIn.user);
    return sendSignedIn(reply, {
      issued: signedIn,
      user,
      transport,
      status,
      cookie,
      config,
      nowMs: clock.now(),
    });
  }

  app.post(
    '/register',
    {
      schema: { tags, body: RegisterBody, response: { 201: SignedInResponse, ...errorResponses } },
      config: { csrf: true, limits: ['register-ip'] },
    },
    async (request, reply) => {
      const { email, password, name } = request.body;
      const context = await signInContext(request, geolocator);
      return send(request, reply, await auth.register({ email, password, name: name ?? null }, context), 201);
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
      return send(request, reply, signedIn, 200);
    },
  );
};
