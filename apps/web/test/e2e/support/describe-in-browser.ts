import { describe } from 'vitest';
import { chromiumPath } from './browser.ts';

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
