import { afterEach } from 'vitest';

afterEach(async () => {
  // Only component tests render; the e2e files run in node where there is no DOM to clean.
  if (typeof document !== 'undefined') {
    const { cleanup } = await import('@testing-library/react');
    cleanup();
  }
});
