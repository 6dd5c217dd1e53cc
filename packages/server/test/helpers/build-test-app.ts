import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { Geolocator } from '../../src/devices/index.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { createStore } from '../../src/store/index.ts';
import { freshDatabaseUrl } from './database.ts';

export const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

export interface TestApp {
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A geolocator that knows no address: tests that need locations pass their own. */
export const nullGeolocator: Geolocator = { locate: async () => null };

/**
 * The real app on a database of its own (PGlite, or a fresh PostgreSQL database when
 * DATABASE_URL points at one) and the real store (Redis when REDIS_URL is set).
 */
export async function buildTestApp(
  env: Record<string, string> = {},
  options: { clock?: Clock; logger?: Logger; geolocator?: Geolocator } = {},
): Promise<TestApp> {
  const database = await freshDatabaseUrl();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? '',
    REDIS_KEY_PREFIX: `tenure-test-${randomBytes(4).toString('hex')}:`,
    COOKIE_SECURE: 'false',
    WEB_ROOT: 'none',
    LOG_LEVEL: 'silent',
    ...env,
  });
  // The store's denylist must run on the same (injected) clock as the sessions it guards.
  const store = options.clock
    ? await createStore({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, clock: options.clock })
    : undefined;
  const app = await buildApp({
    config,
    ...(options.clock && { clock: options.clock }),
    ...(store && { store }),
    logger: options.logger ?? createLogger({ logLevel: config.logLevel }),
    geolocator: options.geolocator ?? nullGeolocator,
  });
  await app.ready();
  return {
    app,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

let counter = 0;
export function uniqueEmail(): string {
  counter += 1;
  return `user${counter}-${randomBytes(3).toString('hex')}@example.com`;
}

export const PASSWORD = 'correct horse battery staple';

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
  email: string;
}

/** The refresh cookie's value from a response's Set-Cookie. */
export function refreshCookieOf(response: LightMyRequestResponse): string | undefined {
  const cookie = response.cookies.find((c) => c.name.endsWith('tenure_refresh'));
  return cookie?.value || undefined;
}

function signedInFrom(response: LightMyRequestResponse, email: string): SignedIn {
  const body = response.json();
  const refreshToken = body.refreshToken ?? refreshCookieOf(response);
  expect(refreshToken, `no refresh token in ${response.statusCode} ${response.body}`).toBeTruthy();
  return {
    accessToken: body.accessToken,
    refreshToken,
    sessionId: body.session.id,
    userId: body.user.id,
    email,
  };
}

export async function registerUser(
  app: FastifyInstance,
  input: { email?: string; password?: string; userAgent?: string } = {},
): Promise<SignedIn> {
  const email = input.email ?? uniqueEmail();
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    headers: { 'user-agent': input.userAgent ?? CHROME_MAC },
    payload: { email, password: input.password ?? PASSWORD, name: 'Test User' },
  });
  expect(response.statusCode, response.body).toBe(201);
  return signedInFrom(response, email);
}

export async function loginAs(
  app: FastifyInstance,
  email: string,
  input: { password?: string; userAgent?: string; headers?: Record<string, string> } = {},
): Promise<SignedIn> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'user-agent': input.userAgent ?? CHROME_MAC, ...input.headers },
    payload: { email, password: input.password ?? PASSWORD },
  });
  expect(response.statusCode, response.body).toBe(200);
  return signedInFrom(response, email);
}

export function refresh(app: FastifyInstance, refreshToken: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    headers: { 'user-agent': CHROME_MAC, ...headers },
    cookies: { tenure_refresh: refreshToken },
  });
}

export function authed(
  app: FastifyInstance,
  accessToken: string,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${accessToken}` } });
}

export function errorCode(response: LightMyRequestResponse): string | undefined {
  return response.json()?.error?.code;
}
