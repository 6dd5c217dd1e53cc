import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connect.ts';
import { StoreUnavailableError } from '../errors.ts';
import { errorResponses } from '../http/schemas.ts';
import type { Store } from '../store/store.ts';

const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });
const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer in ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `/healthz`: the process is up. `/readyz`: PostgreSQL and (when configured) Redis answer. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ database: DatabaseHandle; store: Store }> = async (
  app,
  { database, store },
) => {
  const tags = ['operations'];
  app.get('/healthz', { schema: { tags, response: { 200: Health } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get('/readyz', { schema: { tags, response: { 200: Health, ...errorResponses } } }, async () => {
    try {
      await withTimeout(sql`SELECT 1`.execute(database.db), 'database');
    } catch (error) {
      throw new StoreUnavailableError('database', error);
    }
    try {
      await withTimeout(store.ping(), 'store');
    } catch (error) {
      throw new StoreUnavailableError('store', error);
    }
    return { status: 'ok' as const };
  });
};
