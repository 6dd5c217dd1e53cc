import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@tenure/source'] },
  ssr: { resolve: { conditions: ['@tenure/source'] } },
  test: {
    name: 'client',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    environment: 'happy-dom',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
