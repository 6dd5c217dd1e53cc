import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * With DATABASE_URL pointing at PostgreSQL (CI), a fresh database on that server for one e2e
 * server, dropped afterwards; otherwise a throwaway embedded one (`memory://`).
 */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base || !/^postgres(ql)?:\/\//.test(base)) return { url: 'memory://', drop: async () => {} };
  const name = `tenure_e2e_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
