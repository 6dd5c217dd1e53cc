import type { IncomingHttpHeaders } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { fromNodeHeaders } from 'better-auth/node';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';

export interface BetterAuthPeer {
  /** What an adopting Fastify app does per request: Node headers in, session or null out. */
  getSession(headers: IncomingHttpHeaders): Promise<{ userId: string } | null>;
  /** `name=value` of a signed-in user's session cookie. */
  cookie: string;
  close(): Promise<void>;
}

/**
 * better-auth, the peer we compare against: email + password, its defaults otherwise (no
 * cookie cache), on its own database — `postgres://…` (the same PostgreSQL server as Tenure)
 * or `pglite` (an in-memory embedded one, when the run has no PostgreSQL).
 */
export async function setupBetterAuth(database: string): Promise<BetterAuthPeer> {
  const pool = database.startsWith('postgres')
    ? new pg.Pool({ connectionString: database, max: 10 })
    : undefined;
  const pglite = pool ? undefined : new PGlite();
  const kysely = pglite ? new Kysely({ dialect: new PGliteDialect(pglite) }) : undefined;
  const auth = betterAuth({
    database: pool ?? { db: kysely as Kysely<unknown>, type: 'postgres' },
    secret: 'bench-only-secret-0123456789abcdef0123456789',
    baseURL: 'http://127.0.0.1',
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const signedUp = await auth.api.signUpEmail({
    body: { email: 'peer@bench.example', password: 'correct horse battery staple', name: 'Peer' },
    returnHeaders: true,
  });
  const cookie = signedUp.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('better-auth did not set a session cookie');
  return {
    cookie,
    async getSession(headers) {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(headers) });
      return session ? { userId: session.user.id } : null;
    },
    async close() {
      await pool?.end();
      await kysely?.destroy();
    },
  };
}
