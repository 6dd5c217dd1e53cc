import { defineConfig } from 'vitest/config';

// Each workspace owns its vitest.config.ts; this file only lists them.
export default defineConfig({
  test: {
    projects: ['packages/server', 'packages/client', 'packages/react', 'packages/verify', 'apps/web'],
  },
});
