import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Debian Chromium (apt-get install -y chromium), or CHROMIUM_PATH. */
export const chromiumPath = candidates.find((path): path is string => Boolean(path && existsSync(path)));

export function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error('Chromium not found');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** User agents of the devices in these stories (client hints are not sent for overridden UAs). */
export const userAgents = {
  macChrome:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
} as const;

/** Collects Content-Security-Policy violations the page reports, so a test can assert there were none. */
export function watchCspViolations(page: Page): () => string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
      violations.push(message.text());
    }
  });
  return () => violations;
}
