import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

export const FEED_TOKEN = 'revocation-feed-token-for-tests';

export interface FeedEntry {
  sessionId: string;
  until: string;
}

export interface FeedAnswer {
  revocations: FeedEntry[];
  cursor: string;
  hasMore: boolean;
}

/** `GET /api/auth/revocations` as a polling service sends it (`token: null` sends none). */
export function getFeed(
  app: FastifyInstance,
  query: { after?: string; limit?: number | string } = {},
  token: string | null = FEED_TOKEN,
): Promise<LightMyRequestResponse> {
  const params = new URLSearchParams();
  if (query.after !== undefined) params.set('after', query.after);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  const search = params.size > 0 ? `?${params}` : '';
  return app.inject({
    method: 'GET',
    url: `/api/auth/revocations${search}`,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

export async function readFeed(
  app: FastifyInstance,
  query: { after?: string; limit?: number } = {},
): Promise<FeedAnswer> {
  const response = await getFeed(app, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Follows `hasMore` to the end, as a client catching up does; returns every page. */
export async function readToEnd(
  app: FastifyInstance,
  query: { after?: string; limit?: number } = {},
): Promise<FeedAnswer[]> {
  const pages = [await readFeed(app, query)];
  while (pages.at(-1)!.hasMore) {
    pages.push(await readFeed(app, { ...query, after: pages.at(-1)!.cursor }));
  }
  return pages;
}

export const idsOf = (pages: FeedAnswer[]) =>
  pages.flatMap((page) => page.revocations.map((r) => r.sessionId));
