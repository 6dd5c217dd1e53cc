import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Debian Chromium (apt-get install -y chromium), or CHROMIUM_PATH. */
export const chromiumPath = candidates.find((path): path is string => Boolean(path && existsSync(path)));

/** In CI a missing browser is a failure, never a silent skip. */
const browserRequired = process.env.CI === 'true' || process.env.TENURE_E2E_REQUIRE_BROWSER === '1';

/**
 * `describe` for browser suites: runs when Chromium is installed; otherwise says clearly that it
 * was skipped (or fails, when CI requires the browser).
 */
export function describeInBrowser(name: string, suite: () => void): void {
  if (chromiumPath) {
    describe(name, suite);
    return;
  }
  if (browserRequired) {
    describe(name, () => {
      throw new Error(
        'Chromium is required for the end-to-end suite (CI=true or TENURE_E2E_REQUIRE_BROWSER=1) but was not found. ' +
          'Install it with `apt-get install -y chromium` or set CHROMIUM_PATH.',
      );
    });
    return;
  }
  console.warn(
    `[e2e] SKIPPED "${name}": no Chromium found (looked for CHROMIUM_PATH, /usr/bin/chromium). ` +
      'Install it with `apt-get install -y chromium` to run the browser tests.',
  );
  describe.skip(`${name} (skipped: Chromium not installed)`, suite);
}

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
