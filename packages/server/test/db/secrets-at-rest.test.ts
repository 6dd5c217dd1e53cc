import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  CHROME_MAC,
  databaseOf,
  loginAs,
  refresh,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { rotatedFrom } from '../helpers/inspect.ts';

// the bearer secret is never stored in plain text. Scans every text-like column of
// every table for the tokens the server has handed out.
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

async function everyStoredText(): Promise<string[]> {
  const db = databaseOf(t.app).db;
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema()
      AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')`.execute(db);
  const values: string[] = [];
  for (const { table_name, column_name } of columns) {
    const { rows } = await sql<{ value: string | null }>`
      SELECT ${sql.ref(column_name)}::text AS value FROM ${sql.table(table_name)}`.execute(db);
    for (const row of rows) if (row.value !== null) values.push(row.value);
  }
  return values;
}

describe('no secrets at rest', () => {
  it('no refresh token or access token handed out appears in any column of any table', async () => {
    const user = await registerUser(t.app);
    const first = rotatedFrom(await refresh(t.app, user.refreshToken));
    const second = rotatedFrom(await refresh(t.app, first.refreshToken));
    const again = await loginAs(t.app, user.email);
    const mobile = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': CHROME_MAC, 'x-token-transport': 'body' },
      payload: { email: user.email, password: 'correct horse battery staple' },
    });
    expect(mobile.statusCode, mobile.body).toBe(200);
    const secrets = [
      user.refreshToken,
      user.accessToken,
      first.refreshToken,
      first.accessToken,
      second.refreshToken,
      second.accessToken,
      again.refreshToken,
      again.accessToken,
      mobile.json().refreshToken,
      mobile.json().accessToken,
    ];
    expect(secrets.every((secret) => typeof secret === 'string' && secret.length >= 43)).toBe(true);

    const stored = await everyStoredText();
    expect(stored.length).toBeGreaterThan(10);
    const leaks = secrets.filter((secret) => stored.some((value) => value.includes(secret)));
    expect(leaks).toEqual([]);
    // Nor the password.
    expect(stored.some((value) => value.includes('correct horse battery staple'))).toBe(false);
  });
});
