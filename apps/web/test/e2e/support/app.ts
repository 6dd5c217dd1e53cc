import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { userAgents, watchCspViolations } from './browser.ts';

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

/**
 * One user on two devices: a Mac that registered and an iPhone that signed in, both on
 * Settings → Security. The Mac's page shows the phone's "Revoke" button (`revokePhone`).
 */
export async function deskAndPhone(browser: Browser, baseURL: string, user = newUser('Grace Hopper')) {
  const desk = await browser.newContext({ userAgent: userAgents.macChrome });
  const phone = await browser.newContext({
    userAgent: userAgents.iphoneSafari,
    viewport: { width: 390, height: 844 },
  });
  const deskPage = await desk.newPage();
  const phonePage = await phone.newPage();
  const phoneCspViolations = watchCspViolations(phonePage);
  await register(deskPage, baseURL, user);
  await logIn(phonePage, baseURL, user);
  await phonePage.getByRole('link', { name: 'Security' }).click();
  await phonePage.getByRole('heading', { name: 'Active Sessions' }).waitFor();

  await deskPage.goto(`${baseURL}/settings/security`);
  const revokePhone = deskPage.getByRole('button', { name: /^Revoke .*iPhone/ });
  await revokePhone.waitFor();
  return {
    user,
    deskPage,
    phonePage,
    revokePhone,
    phoneCspViolations,
    async close() {
      await desk.close();
      await phone.close();
    },
  };
}

/** The phone's next action (opening its sessions list again) meets the revocation: the modal. */
export async function nextActionMeetsRevocation(phonePage: Page): Promise<Locator> {
  await phonePage.getByRole('link', { name: 'Dashboard' }).click();
  await phonePage.getByRole('link', { name: 'Security' }).click();
  const modal = phonePage.getByRole('dialog', { name: 'Session Expired' });
  await modal.waitFor({ timeout: 15_000 });
  return modal;
}
