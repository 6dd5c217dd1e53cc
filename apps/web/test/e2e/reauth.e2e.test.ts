// @vitest-environment node
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deskAndPhone } from './support/app.ts';
import { seriousAxeViolations } from './support/axe.ts';
import { launchChromium } from './support/browser.ts';
import { describeInBrowser } from './support/describe-in-browser.ts';
import { type RunningServer, startServer } from './support/server.ts';

// A sign-in counts as recent for 3 s (0.05 minutes), so the test can let it grow stale.
const REAUTH_MAX_AGE_MS = 3_000;

describeInBrowser('step-up re-authentication in real Chromium against npm start', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ REAUTH_MAX_AGE_MINUTES: String(REAUTH_MAX_AGE_MS / 60_000) }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('with a stale sign-in, "Revoke all other sessions" asks "Confirm it\'s you"; a wrong password is shown, the right one lets the revocation through', async () => {
    const { deskPage, user, close } = await deskAndPhone(browser, server.baseURL);
    await deskPage.waitForTimeout(REAUTH_MAX_AGE_MS + 500);
    const cards = deskPage.getByTestId('session-card');
    await expect.poll(() => cards.count()).toBe(2);

    await deskPage.getByRole('button', { name: 'Revoke all other sessions' }).click();
    const confirm = deskPage.getByRole('dialog', { name: 'Revoke all other sessions?' });
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();

    const reauth = deskPage.getByRole('dialog', { name: "Confirm it's you" });
    await reauth.waitFor();
    expect(await reauth.getAttribute('aria-modal')).toBe('true');
    expect(await seriousAxeViolations(deskPage)).toEqual([]);
    // Still two devices: nothing was revoked without the confirmation.
    expect(await cards.count()).toBe(2);

    await reauth.getByLabel('Password').fill('not my password');
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await reauth.getByRole('alert').waitFor();
    expect(await reauth.getByRole('alert').textContent()).toBe('That password is incorrect.');

    await reauth.getByLabel('Password').fill(user.password);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await reauth.waitFor({ state: 'detached' });
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(1);
    expect(await deskPage.getByRole('dialog').count()).toBe(0);
    // The same session went on: this device is still signed in.
    expect(await deskPage.getByRole('button', { name: 'Log out' }).isVisible()).toBe(true);
    await close();
  });
});
