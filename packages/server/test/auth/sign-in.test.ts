import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, CHROME_MAC, PASSWORD, type TestApp } from '../helpers/build-test-app.ts';

// Sign-in with the production cookie settings (COOKIE_SECURE defaults to true).
const COOKIE = '__Secure-tenure_refresh';
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ COOKIE_SECURE: 'true' });
});
afterAll(async () => t?.close());

const newEmail = () => `signin-${randomUUID()}@example.com`;
const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload, headers: { 'user-agent': CHROME_MAC, ...headers } });

function refreshCookie(response: LightMyRequestResponse) {
  return response.cookies.find((cookie) => cookie.name === COOKIE);
}

describe('register and login', () => {
  it('register answers 201 with the login body and a Secure, HttpOnly, SameSite=Strict cookie on /api/auth', async () => {
    const email = newEmail();
    const registered = await post('/api/auth/register', { email, password: PASSWORD, name: 'Ada' });
    expect(registered.statusCode, registered.body).toBe(201);
    const body = registered.json();
    expect(body).toMatchObject({ user: { email, name: 'Ada' }, session: { id: expect.any(String) } });
    expect(body).not.toHaveProperty('refreshToken');

    const cookie = refreshCookie(registered);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth' });
    // The cookie never outlives the session.
    expect(cookie!.expires!.getTime()).toBeLessThanOrEqual(Date.parse(body.session.expiresAt));

    const login = await post('/api/auth/login', { email, password: PASSWORD });
    expect(login.statusCode).toBe(200);
    expect(Object.keys(login.json()).sort()).toEqual(Object.keys(body).sort());
    expect(login.json().session.id).not.toBe(body.session.id);
  });

  it('email is case-insensitive at sign-in', async () => {
    const email = newEmail();
    expect((await post('/api/auth/register', { email, password: PASSWORD })).statusCode).toBe(201);
    const login = await post('/api/auth/login', { email: email.toUpperCase(), password: PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
  });

  it('the __Secure- cookie refreshes and is rotated', async () => {
    const registered = await post('/api/auth/register', { email: newEmail(), password: PASSWORD });
    const token = refreshCookie(registered)!.value;
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { [COOKIE]: token },
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshCookie(refreshed)?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshCookie(refreshed)?.value).not.toBe(token);
    expect(refreshed.json()).not.toHaveProperty('refreshToken');
  });
});

describe('non-browser clients (X-Token-Transport: body)', () => {
  it('get the refresh token in the body, no cookie, and refresh with {refreshToken}', async () => {
    const transport = { 'x-token-transport': 'body' };
    const registered = await post('/api/auth/register', { email: newEmail(), password: PASSWORD }, transport);
    expect(registered.statusCode).toBe(201);
    expect(registered.headers['set-cookie']).toBeUndefined();
    const { refreshToken } = registered.json();
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const refreshed = await post('/api/auth/refresh', { refreshToken }, transport);
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.headers['set-cookie']).toBeUndefined();
    expect(refreshed.json().refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshed.json().refreshToken).not.toBe(refreshToken);

    const logout = await post('/api/auth/logout', { refreshToken: refreshed.json().refreshToken });
    expect(logout.statusCode).toBe(204);
    const after = await post('/api/auth/refresh', { refreshToken: refreshed.json().refreshToken }, transport);
    expect(after.json().error.code).toBe('session_revoked');
  });
});
