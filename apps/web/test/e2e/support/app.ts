import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';

export interface TestUser {
  name: string;
  email: string;
  password: string;
}

export function newUser(name = 'Ada Lovelace'): TestUser {
  return { name, email: `ada-${randomUUID()}@example.com`, password: 'correct horse battery staple' };
}

export async function register(page: Page, baseURL: string, user: TestUser): Promise<void> {
  await page.goto(`${baseURL}/register`);
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: `Welcome, ${user.name}` }).waitFor();
}

/** Fills the login form of the page that is open (it must be /login). */
export async function logInHere(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

export async function logIn(page: Page, baseURL: string, user: TestUser): Promise<void> {
  await page.goto(`${baseURL}/login`);
  await logInHere(page, user);
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** Counts refresh calls leaving this browser context (every one of them reaches the server). */
export function countRefreshes(context: BrowserContext): () => number {
  let count = 0;
  context.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/auth/refresh') count += 1;
  });
  return () => count;
}
