import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { TenureError } from '../errors.ts';
import { bearerSecurity, errorResponses } from '../http/schemas.ts';
import { bearerMatcher } from './feed-token.ts';
import { DEFAULT_LIMIT, RevocationFeed } from './revocation-feed.ts';
import { RevocationFeedRepository } from './revocation-feed-repository.ts';
import { RevocationsQuery, RevocationsResponse } from './schemas.ts';

export interface RevocationRoutesOptions {
  db: Kysely<Database>;
  clock: Clock;
  config: Pick<Readonly<Config>, 'revocationFeedToken' | 'accessTokenTtlMs'>;
}

/**
 * `GET /revocations`: signed-out sessions whose access tokens may still be live, for services
 * that verify tokens themselves (`@tenure/verify`). Guarded by REVOCATION_FEED_TOKEN; without
 * it the route does not exist (404 `not_found`).
 */
export const revocationRoutes: FastifyPluginAsyncTypebox<RevocationRoutesOptions> = async (
  app,
  { db, clock, config },
) => {
  const token = config.revocationFeedToken;
  if (token === undefined) return;
  const matches = bearerMatcher(token);
  const feed = new RevocationFeed({
    repository: new RevocationFeedRepository(db),
    clock,
    accessTokenTtlMs: config.accessTokenTtlMs,
  });

  app.get(
    '/revocations',
    {
      schema: {
        tags: ['revocations'],
        security: bearerSecurity,
        querystring: RevocationsQuery,
        response: { 200: RevocationsResponse, ...errorResponses },
      },
      // Before validation: a caller without the token learns nothing, not even about its query.
      onRequest: async (request) => {
        if (!matches(request.headers.authorization)) {
          throw new TenureError('invalid_token', 'This feed needs its bearer token.');
        }
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      return feed.page(after, limit === undefined ? DEFAULT_LIMIT : Number(limit));
    },
  );
};
