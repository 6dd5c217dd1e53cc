import type { FastifyInstance } from 'fastify';
import type { BetterAuthPeer } from './better-auth-peer.ts';
import { TenureError } from './server-paths.ts';

const schema = {
  response: {
    200: {
      type: 'object',
      properties: { hello: { type: 'string' } },
      required: ['hello'],
      additionalProperties: false,
    },
  },
} as const;

/**
 * The routes an adopting app would have: one open, one behind `app.authenticate`, and the peer's
 * session check in the same process, so the three differ only in what guards them.
 */
export function registerBenchRoutes(app: FastifyInstance, peer: BetterAuthPeer | undefined): void {
  app.get('/bench/hello', { schema }, async () => ({ hello: 'world' }));
  app.get('/bench/protected', { schema, preHandler: app.authenticate }, async () => ({ hello: 'world' }));
  if (peer) {
    app.get('/bench/better-auth/session', { schema }, async (request) => {
      const session = await peer.getSession(request.headers);
      if (!session) throw new TenureError('invalid_token', 'No better-auth session.');
      return { hello: 'world' };
    });
  }
}
