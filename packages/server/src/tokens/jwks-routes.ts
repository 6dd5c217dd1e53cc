import type { FastifyInstance } from 'fastify';
import type { KeyRing } from './signing-keys.ts';

/** `GET /.well-known/jwks.json`: the public keys other services verify access tokens with. */
export async function jwksRoutes(app: FastifyInstance, { keyRing }: { keyRing: KeyRing }) {
  app.get('/.well-known/jwks.json', { schema: { tags: ['tokens'] } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return keyRing.jwks();
  });
}
