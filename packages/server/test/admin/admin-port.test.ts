import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authed, buildTestApp, errorCode, registerUser, type TestApp } from '../helpers/build-test-app.ts';
import { expectEnvelope } from '../helpers/inspect.ts';
import { freePort } from '../security/throwaway-redis.ts';
import { ADMIN_ROUTES, ADMIN_TOKEN, admin, BUILD_TIMEOUT_MS } from './admin-helpers.ts';

// ADMIN_PORT: the admin API on a listener of its own (e.g. reachable from an operations network
// only), and nowhere on the main port.
let t: TestApp | undefined;
let port: number;
beforeAll(async () => {
  port = await freePort();
  t = await buildTestApp({ ADMIN_API_TOKEN: ADMIN_TOKEN, ADMIN_PORT: String(port), HOST: '127.0.0.1' });
}, BUILD_TIMEOUT_MS);
afterAll(async () => t?.close());

const app = () => t!.app;

async function overHttp(method: string, path: string, token: string | null = ADMIN_TOKEN) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  const body = (text ? JSON.parse(text) : null) as { sessions?: unknown[]; error?: { code: string } } | null;
  return { status: response.status, body };
}

describe('ADMIN_PORT', () => {
  it('serves the admin API on its own port: a session revoked there is refused by the main app', async () => {
    const user = await registerUser(app());
    const list = await overHttp('GET', `/api/admin/users/${user.userId}/sessions`);
    expect(list.status).toBe(200);
    expect(list.body?.sessions).toHaveLength(1);

    expect((await overHttp('DELETE', `/api/admin/sessions/${user.sessionId}`)).status).toBe(204);
    expect(errorCode(await authed(app(), user.accessToken, 'GET', '/api/auth/me'))).toBe('session_revoked');
  });

  it('asks for the token there too, and serves nothing else', async () => {
    const anonymous = await overHttp('GET', '/api/admin/users/github%7C4711/sessions', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body?.error?.code).toBe('invalid_token');
    for (const path of ['/api/auth/login', '/healthz', '/']) {
      const response = await overHttp('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.body?.error?.code).toBe('not_found');
    }
  });

  it('the main port answers 404 not_found on every admin path, token or not', async () => {
    for (const [method, url] of ADMIN_ROUTES) {
      expectEnvelope(await admin(app(), method, url), 404, 'not_found');
    }
  });

  it('closes with the app', async () => {
    await t!.close();
    t = undefined;
    await expect(fetch(`http://127.0.0.1:${port}/api/admin`)).rejects.toThrow();
  });
});
