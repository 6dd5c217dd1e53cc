// @vitest-environment node
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  countRefreshes,
  deskAndPhone,
  logInHere,
  newUser,
  nextActionMeetsRevocation,
  register,
} from './support/app.ts';
import { seriousAxeViolations } from './support/axe.ts';
import { launchChromium, userAgents, watchCspViolations } from './support/browser.ts';
import { describeInBrowser } from './support/describe-in-browser.ts';
import { type RunningServer, startServer } from './support/server.ts';

const ACCESS_TOKEN_TTL_MS = 6_000;
const screenshots = resolve(import.meta.dirname, '../../docs/screenshots');

/** Name and content hash of every README screenshot. */
function fingerprint(): string[] {
  return readdirSync(screenshots)
    .sort()
    .map(
      (name) =>
        `${name} ${createHash('sha256')
          .update(readFileSync(resolve(screenshots, name)))
          .digest('hex')}`,
    );
}

describeInBrowser('sessions in real Chromium against npm start', () => {
  let server: RunningServer;
  let browser: Browser;
  const screenshotsBefore = fingerprint();

  beforeAll(async () => {
    // Six-second access tokens, so the two-tab test can let them expire.
    [server, browser] = await Promise.all([
      startServer({ ACCESS_TOKEN_TTL_MINUTES: String(ACCESS_TOKEN_TTL_MS / 60_000) }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('register → dashboard; /settings/security lists this session with device, browser, OS and "Current"', async () => {
    // Chromium's own User-Agent and client hints: headless Chromium on Linux.
    const context = await browser.newContext();
    const page = await context.newPage();
    const cspViolations = watchCspViolations(page);
    const user = newUser();
    await register(page, server.baseURL, user);
    expect(new URL(page.url()).pathname).toBe('/');

    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Active Sessions' }).waitFor();
    const cards = page.getByTestId('session-card');
    await expect.poll(() => cards.count()).toBe(1);
    const card = cards.first();
    await expect.poll(() => card.textContent()).toContain('Current');
    const text = await card.textContent();
    expect(text).toMatch(/Chrom(e|ium) \d+ on Linux/);
    expect(text).toContain('127.0.0.1');
    expect(text).toContain('Just now');
    expect(await card.locator('[data-device-type="desktop"]').count()).toBe(1);
    expect(await card.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Revoke all other sessions' }).isDisabled()).toBe(true);

    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(cspViolations()).toEqual([]);
    await context.close();
  });

  it('revoking a second device (with confirmation) shows it the Session Expired modal, and "Log In Again" returns it to its page', async () => {
    const { user, deskPage, phonePage, revokePhone, phoneCspViolations, close } = await deskAndPhone(
      browser,
      server.baseURL,
    );
    expect(await seriousAxeViolations(deskPage)).toEqual([]);

    await revokePhone.click();
    const confirm = deskPage.getByRole('dialog', { name: 'Revoke this session?' });
    expect(await confirm.textContent()).toContain('will be signed out right away');
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect.poll(() => deskPage.getByTestId('session-card').count()).toBe(1);

    const modal = await nextActionMeetsRevocation(phonePage);
    expect(await modal.getAttribute('aria-modal')).toBe('true');
    expect(await modal.textContent()).toContain('inactivity');
    expect(await seriousAxeViolations(phonePage)).toEqual([]);

    await modal.getByRole('button', { name: 'Log In Again' }).click();
    await phonePage.getByText('Your session expired. Please log in again.').waitFor();
    const loginUrl = new URL(phonePage.url());
    expect(loginUrl.pathname).toBe('/login');
    expect(loginUrl.searchParams.get('returnTo')).toBe('/settings/security');
    expect(await seriousAxeViolations(phonePage)).toEqual([]);

    await logInHere(phonePage, user);
    await phonePage.getByRole('heading', { name: 'Active Sessions' }).waitFor();
    expect(new URL(phonePage.url()).pathname).toBe('/settings/security');
    expect(phoneCspViolations()).toEqual([]);
    await close();
  });

  it('after signing in, returnTo is followed on this site only; one that leaves it leads to the dashboard', async () => {
    const user = newUser();
    const first = await browser.newContext();
    await register(await first.newPage(), server.baseURL, user);
    await first.close();
    const context = await browser.newContext();
    const page = await context.newPage();
    const cases: Array<[returnTo: string, landing: string]> = [
      [`${server.baseURL}/settings/security?from=mail#sessions`, '/settings/security?from=mail#sessions'],
      ['//example.com/phish', '/'],
      ['https://example.com/', '/'],
      ['javascript:alert(document.cookie)', '/'],
    ];

    for (const [returnTo, landing] of cases) {
      await page.goto(`${server.baseURL}/login?returnTo=${encodeURIComponent(returnTo)}`);
      await logInHere(page, user);
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      expect(page.url()).toBe(`${server.baseURL}${landing}`);
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    }
    await context.close();
  });

  it('"Log out" in one tab signs the other tab out too', async () => {
    const context = await browser.newContext({ userAgent: userAgents.macChrome });
    const first = await context.newPage();
    const user = newUser('Katherine Johnson');
    await register(first, server.baseURL, user);
    const second = await context.newPage();
    await second.goto(`${server.baseURL}/settings/security`);
    await second.getByRole('heading', { name: 'Active Sessions' }).waitFor();

    await first.getByRole('button', { name: 'Log out' }).click();

    await second.getByRole('button', { name: 'Log in', exact: true }).waitFor({ timeout: 10_000 });
    expect(new URL(second.url()).pathname).toBe('/login');
    expect(await second.getByRole('dialog').count()).toBe(0);
    await second.reload();
    await second.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await context.close();
  });

  it('two tabs with an expired access token acting at the same moment cause exactly one refresh and stay signed in', async () => {
    const context = await browser.newContext();
    const refreshes = countRefreshes(context);
    const first = await context.newPage();
    await register(first, server.baseURL, newUser());
    const second = await context.newPage();
    await second.goto(`${server.baseURL}/settings/security`);
    await second.getByRole('heading', { name: 'Active Sessions' }).waitFor();
    await second.getByTestId('session-card').first().waitFor();

    // Let both tabs' in-memory access tokens run out (the server's TTL is 6 seconds here).
    await new Promise((done) => setTimeout(done, ACCESS_TOKEN_TTL_MS + 1_500));
    const before = refreshes();

    await Promise.all([
      first.getByRole('link', { name: 'Security' }).click(),
      second.getByRole('link', { name: 'Dashboard' }).click(),
    ]);
    await first.getByTestId('session-card').first().waitFor();
    await second.getByText('Your session ends on').waitFor();

    expect(refreshes() - before).toBe(1);
    for (const page of [first, second]) {
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(1);
    }
    await context.close();
  });

  // Last in this file, after every page above was opened and shot at.
  it('leaves the README screenshots as they were (taking them is `npm run screenshots`)', () => {
    expect(fingerprint()).toEqual(screenshotsBefore);
  });
});
