import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';

/** The handler every hello case shares (bare, adopter-open, adopter-protected): only guards differ. */
export const helloSchema = {
  response: {
    200: {
      type: 'object',
      properties: { hello: { type: 'string' } },
      required: ['hello'],
      additionalProperties: false,
    },
  },
} as const;

export const HELLO_PATH = '/bench/hello';
export const PROTECTED_PATH = '/bench/protected';

export function registerHello(
  app: FastifyInstance,
  path = HELLO_PATH,
  preHandler?: preHandlerAsyncHookHandler,
) {
  app.get(path, { schema: helloSchema, ...(preHandler && { preHandler }) }, async () => ({ hello: 'world' }));
}
