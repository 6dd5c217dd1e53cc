import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@tenure/source'] },
  ssr: { resolve: { conditions: ['@tenure/source'] } },
  test: {
    name: 'server',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
