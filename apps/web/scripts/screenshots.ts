// `npm run screenshots -w @tenure/web`: retakes the README's screenshots in headless Chromium
// against what `npm start` runs. The tests never write into the repository; this command does.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { deskAndPhone, nextActionMeetsRevocation } from '../test/e2e/support/app.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { startServer } from '../test/e2e/support/server.ts';

const out = resolve(import.meta.dirname, '../docs/screenshots');
mkdirSync(out, { recursive: true });
const [server, browser] = await Promise.all([startServer(), launchChromium()]);
try {
  const { deskPage, phonePage, revokePhone, close } = await deskAndPhone(browser, server.baseURL);
  await deskPage.screenshot({ path: resolve(out, 'sessions-page.png'), fullPage: true });

  await revokePhone.click();
  const confirm = deskPage.getByRole('dialog', { name: 'Revoke this session?' });
  await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
  await nextActionMeetsRevocation(phonePage);
  await phonePage.screenshot({ path: resolve(out, 'session-expired-modal.png') });
  await close();
  console.log(`Wrote sessions-page.png and session-expired-modal.png to ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
