// @vitest-environment node
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newUser, register } from './support/app.ts';
import { describeInBrowser, launchChromium } from './support/browser.ts';
import { type RunningServer, startServer } from './support/server.ts';

const ACCESS_TOKEN_TTL_MS = 6_000;

/** Counts refresh calls leaving this browser context (every one of them reaches the server). */
function countRefreshes(context: BrowserContext): () => number {
  let count = 0;
  context.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/auth/refresh') count += 1;
  });
  return () => count;
}

describeInBrowser('token refresh across tabs in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ ACCESS_TOKEN_TTL_MINUTES: String(ACCESS_TOKEN_TTL_MS / 60_000) }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
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
});
