import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@tenure/source'] },
  ssr: { resolve: { conditions: ['@tenure/source'] } },
  test: {
    name: 'verify',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Each file starts a real Tenure server (embedded PostgreSQL by default): slow on a busy machine.
    hookTimeout: 180_000,
  },
});
