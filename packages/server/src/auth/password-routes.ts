import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/schemas.ts';
import { requestContext } from '../sessions/sign-in-context.ts';
import type { AuthService } from './auth-service.ts';
import { ChangePasswordBody } from './schemas.ts';

/** `POST /password`: change the password with the current one; every other session ends. */
export const passwordRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.post(
    '/password',
    {
      schema: {
        tags: ['auth'],
        body: ChangePasswordBody,
        response: {
          200: Type.Object({ revokedCount: Type.Integer() }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
      preHandler: app.authenticate,
      config: { limits: ['password-session'] },
    },
    async (request) => auth.changePassword(request.auth, request.body, requestContext(request)),
  );
};
