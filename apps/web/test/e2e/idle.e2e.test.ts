// @vitest-environment node
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newUser, register } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import { describeInBrowser } from './support/describe-in-browser.ts';
import { type RunningServer, startServer } from './support/server.ts';

// Seconds-long timeouts: idle after 8 s, tokens live 3 s, activity checked every 1.2 s.
const INACTIVITY_MS = 8_000;
const ACCESS_TOKEN_TTL_MS = 3_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describeInBrowser('inactivity in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({
        INACTIVITY_TIMEOUT_MINUTES: String(INACTIVITY_MS / 60_000),
        ACCESS_TOKEN_TTL_MINUTES: String(ACCESS_TOKEN_TTL_MS / 60_000),
        ACTIVITY_CHECK_INTERVAL_MINUTES: '0.02',
      }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('idle past the inactivity timeout → the Session Expired modal appears', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await register(page, server.baseURL, newUser());

    const modal = page.getByRole('dialog', { name: 'Session Expired' });
    await modal.waitFor({ timeout: INACTIVITY_MS * 3 });
    expect(await modal.textContent()).toContain('8 seconds of inactivity');
    await context.close();
  });

  it('activity before the timeout keeps the session alive past several access-token lifetimes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await register(page, server.baseURL, newUser());

    // Twice the idle timeout, five token lifetimes: keep moving the mouse and pressing keys.
    const until = Date.now() + INACTIVITY_MS * 2;
    for (let step = 0; Date.now() < until; step += 1) {
      await page.mouse.move(100 + (step % 50) * 5, 200 + (step % 7) * 10);
      if (step % 4 === 0) await page.keyboard.press('Shift');
      await sleep(400);
    }

    expect(await page.getByRole('dialog', { name: 'Session Expired' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByTestId('session-card').first().waitFor();
    expect(await page.getByRole('dialog', { name: 'Session Expired' }).count()).toBe(0);
    expect(await page.getByText('Current', { exact: true }).count()).toBe(1);
    await context.close();
  });
});
