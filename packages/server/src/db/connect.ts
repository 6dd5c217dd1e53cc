import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.ts';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// timestamptz → Date in both drivers; int8 (count(*)) → number: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * One Kysely instance over either a real PostgreSQL pool or embedded PGlite (the same
 * migrations and queries serve both). The pool fails fast when PostgreSQL is down so requests
 * get a 503 instead of hanging, and reconnects by itself when it is back.
 */
export async function connectDatabase(
  url: string,
  options: {
    /** Client-side limit per query; 0 for none (migrations that rewrite large tables). @default 15000 */
    queryTimeoutMs?: number;
  } = {},
): Promise<DatabaseHandle> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const queryTimeoutMs = options.queryTimeoutMs ?? 15_000;
    const pool = new pg.Pool({
      Client: ListenedClient,
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      ...(queryTimeoutMs > 0 && { query_timeout: queryTimeoutMs }),
    });
    // The pool's own listener on idle clients re-emits their errors here; they are then removed.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: discardingBroken(pool) }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }

  let pglite: PGlite;
  if (url === 'memory://') {
    pglite = new PGlite();
  } else {
    const dir = resolve(url.slice('file://'.length));
    await mkdir(dir, { recursive: true });
    pglite = new PGlite(dir);
  }
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/**
 * A pg client that always has an `error` listener. The pool listens only while a client is idle,
 * so a connection lost while checked out (mid-query, or held between statements like the
 * cleanup's advisory lock) during a failover, a restart or a pg_terminate_backend would be an
 * uncaught 'error' event and stop the process. Its queries fail anyway, into the 503 path.
 */
class ListenedClient extends pg.Client {
  /** Why this client's connection is gone, if it is: the client must not go back to the pool. */
  brokenBy: Error | undefined;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', (error: Error) => {
      this.brokenBy ??= error;
    });
    // A FATAL message (57P01 and the like) is the server closing the connection. When it answers a
    // running query, the socket's end only comes later: mark the client now, before it is released.
    this.connection.on('errorMessage', (message: Error & { severity?: string }) => {
      if (message.severity === 'FATAL') this.brokenBy ??= message;
    });
  }
}

/** The pool as Kysely sees it: a client whose connection broke goes back with that error, so it is discarded. */
function discardingBroken(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = (await pool.connect()) as pg.PoolClient & ListenedClient;
      // The pool gives every checkout a fresh `release`; Kysely calls it without an error.
      const release = client.release;
      client.release = (destroy?: Error | boolean) => release(client.brokenBy ?? destroy);
      return client;
    },
    end: () => pool.end(),
  };
}
