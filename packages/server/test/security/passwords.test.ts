import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  databaseOf,
  loginAs,
  PASSWORD,
  refresh,
  registerUser,
  type TestApp,
  uniqueEmail,
} from '../helpers/build-test-app.ts';
import { expectEnvelope, rowCounts, securityEventsOf, sessionRow } from '../helpers/inspect.ts';

// password change ends every other session; argon2id at OWASP's minimum with rehash
// on login; common passwords refused.
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

function changePassword(accessToken: string, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: { authorization: `Bearer ${accessToken}`, 'user-agent': CHROME_MAC },
    payload: body,
  });
}

async function storedHash(userId: string): Promise<string> {
  const row = await databaseOf(t.app)
    .db.selectFrom('users')
    .select('password_hash')
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.password_hash;
}

describe('POST /api/auth/password', () => {
  it('changes the password, ends every other session at once and keeps this one', async () => {
    const here = await registerUser(t.app);
    const laptop = await loginAs(t.app, here.email);
    const phone = await loginAs(t.app, here.email);
    const response = await changePassword(here.accessToken, {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ revokedCount: 2 });

    for (const other of [laptop, phone]) {
      expectEnvelope(await authed(t.app, other.accessToken, 'GET', '/api/auth/me'), 401, 'session_revoked');
      expectEnvelope(await refresh(t.app, other.refreshToken), 401, 'session_revoked');
      expect(await sessionRow(t.app, other.sessionId)).toMatchObject({ revoked_reason: 'password_change' });
    }
    expect((await authed(t.app, here.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
    expect((await refresh(t.app, here.refreshToken)).statusCode).toBe(200);

    expectEnvelope(
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: here.email, password: PASSWORD },
      }),
      401,
      'invalid_credentials',
    );
    expect((await loginAs(t.app, here.email, { password: 'a brand new passphrase' })).userId).toBe(
      here.userId,
    );

    const events = await securityEventsOf(t.app, { userId: here.userId, type: 'password_changed' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ session_id: here.sessionId, ip_address: '127.0.0.1' });
    expect(events[0]!.detail).toMatchObject({ revokedCount: 2 });
  });

  it('a wrong current password changes nothing and counts as a failed sign-in', async () => {
    const user = await registerUser(t.app);
    const other = await loginAs(t.app, user.email);
    const before = await storedHash(user.userId);
    expectEnvelope(
      await changePassword(user.accessToken, {
        currentPassword: 'not it at all',
        newPassword: 'another passphrase',
      }),
      401,
      'invalid_credentials',
    );
    expect(await storedHash(user.userId)).toBe(before);
    expect((await authed(t.app, other.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
    const failures = await securityEventsOf(t.app, { userId: user.userId, type: 'login_failure' });
    expect(failures.map((event) => event.detail)).toEqual([
      expect.objectContaining({ during: 'password_change' }),
    ]);
  });

  it('a session may change the password 5 times in 15 minutes, then gets 429', async () => {
    const user = await registerUser(t.app);
    const passwords = [PASSWORD, ...Array.from({ length: 6 }, (_, i) => `rotation passphrase number ${i}`)];
    for (let i = 0; i < 5; i++) {
      const response = await changePassword(user.accessToken, {
        currentPassword: passwords[i],
        newPassword: passwords[i + 1],
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const sixth = await changePassword(user.accessToken, {
      currentPassword: passwords[5],
      newPassword: passwords[6],
    });
    expectEnvelope(sixth, 429, 'rate_limited');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('needs a live access token', async () => {
    const body = { currentPassword: PASSWORD, newPassword: 'another passphrase' };
    expectEnvelope(
      await t.app.inject({ method: 'POST', url: '/api/auth/password', payload: body }),
      401,
      'invalid_token',
    );
  });

  it.each([
    ['a common password', 'password123'],
    ['a common password in other case', 'Iloveyou1'],
    ['a short one', 'short'],
    ['the same as the current one', PASSWORD],
  ])('refuses %s with 400 invalid_request', async (_name, newPassword) => {
    const user = await registerUser(t.app);
    expectEnvelope(
      await changePassword(user.accessToken, { currentPassword: PASSWORD, newPassword }),
      400,
      'invalid_request',
    );
    expect((await loginAs(t.app, user.email)).userId).toBe(user.userId);
  });
});

describe('password policy at registration', () => {
  it.each(['password1', 'qwertyuiop', '1234567890', 'Baseball1'])(
    'the common password %s is refused and no account is created',
    async (password) => {
      const before = await rowCounts(t.app);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail(), password },
      });
      expectEnvelope(response, 400, 'invalid_request');
      expect(await rowCounts(t.app)).toEqual(before);
    },
  );

  it('the email address itself is refused as a password', async () => {
    const email = uniqueEmail();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password: email },
    });
    expectEnvelope(response, 400, 'invalid_request');
  });
});

describe('password hashing', () => {
  it('stores argon2id with m ≥ 19 MiB, t ≥ 2, p = 1 and never the password', async () => {
    const user = await registerUser(t.app);
    const stored = await storedHash(user.userId);
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(19 * 1024);
    expect(Number(match![2])).toBeGreaterThanOrEqual(2);
    expect(Number(match![3])).toBe(1);
    expect(stored).not.toContain(PASSWORD);
  });

  it('a hash made with weaker parameters is upgraded at the next successful sign-in', async () => {
    const user = await registerUser(t.app);
    const weak = await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await databaseOf(t.app)
      .db.updateTable('users')
      .set({ password_hash: weak })
      .where('user_id', '=', user.userId)
      .execute();
    await loginAs(t.app, user.email);
    const upgraded = await storedHash(user.userId);
    expect(upgraded).not.toBe(weak);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await loginAs(t.app, user.email)).userId).toBe(user.userId);
  });

  it('a failed sign-in leaves a weak hash alone (only the right password may rewrite it)', async () => {
    const user = await registerUser(t.app);
    const weak = await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await databaseOf(t.app)
      .db.updateTable('users')
      .set({ password_hash: weak })
      .where('user_id', '=', user.userId)
      .execute();
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: 'wrong one' },
    });
    expect(await storedHash(user.userId)).toBe(weak);
  });
});
