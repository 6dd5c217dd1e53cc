import type { FastifyInstance } from 'fastify';
import type { BetterAuthPeer } from './better-auth-peer.ts';
import { HELLO_PATH, helloSchema, PROTECTED_PATH, registerHello } from './hello.ts';
import { TenureError } from './server-paths.ts';

/**
 * The routes an adopting app would have, in its own (root) context next to the Tenure plugin:
 * one open, one behind `app.authenticate`, and the peer's session check, so the three differ
 * only in what guards them.
 */
export function registerBenchRoutes(app: FastifyInstance, peer: BetterAuthPeer | undefined): void {
  registerHello(app, HELLO_PATH);
  registerHello(app, PROTECTED_PATH, app.authenticate);
  if (peer) {
    app.get('/bench/better-auth/session', { schema: helloSchema }, async (request) => {
      const session = await peer.getSession(request.headers);
      if (!session) throw new TenureError('invalid_token', 'No better-auth session.');
      return { hello: 'world' };
    });
  }
}
