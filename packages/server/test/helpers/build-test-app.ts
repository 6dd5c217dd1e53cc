import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import type { Geolocator } from '../../src/devices/index.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import type { OutcomeListener } from '../../src/sessions/outcomes.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { freshDatabaseUrl } from './database.ts';

export const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

export interface TestApp {
  app: FastifyInstance;
  /** The test's own handle on the app's database, to read what the server wrote. */
  database: DatabaseHandle;
  config: Readonly<Config>;
  /** The app's store, opened by the test (closed with the app). */
  store: Store;
  close(): Promise<void>;
}

const databases = new WeakMap<FastifyInstance, DatabaseHandle>();

/** The database handle a test app was built with (the test opened it and hands it in). */
export function databaseOf(app: FastifyInstance): DatabaseHandle {
  const database = databases.get(app);
  if (!database) throw new Error('not an app from buildTestApp');
  return database;
}

/** A geolocator that knows no address: tests that need locations pass their own. */
export const nullGeolocator: Geolocator = { locate: async () => null };

/**
 * The real app on a database of its own (PGlite, or a fresh PostgreSQL database when
 * DATABASE_URL points at one) and the real store (Redis when REDIS_URL is set).
 */
export async function buildTestApp(
  env: Record<string, string> = {},
  options: { clock?: Clock; logger?: Logger; geolocator?: Geolocator; listeners?: OutcomeListener[] } = {},
): Promise<TestApp> {
  const fresh = await freshDatabaseUrl();
  const config = loadConfig({
    DATABASE_URL: fresh.url,
    REDIS_URL: process.env.REDIS_URL ?? '',
    REDIS_KEY_PREFIX: `tenure-test-${randomBytes(4).toString('hex')}:`,
    COOKIE_SECURE: 'false',
    WEB_ROOT: 'none',
    LOG_LEVEL: 'silent',
    ...env,
  });
  // The store's denylist must run on the same (injected) clock as the sessions it guards.
  const store = await createStore({
    redisUrl: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    ...(options.clock && { clock: options.clock }),
  });
  const database = await connectDatabase(config.databaseUrl);
  const app = await buildApp({
    config,
    database,
    ...(options.clock && { clock: options.clock }),
    store,
    logger: options.logger ?? createLogger({ logLevel: config.logLevel }),
    geolocator: options.geolocator ?? nullGeolocator,
    ...(options.listeners && { listeners: options.listeners }),
  });
  await app.ready();
  databases.set(app, database);
  return {
    app,
    database,
    config,
    store,
    close: async () => {
      await app.close();
      await fresh.drop();
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
