import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Component tests run in happy-dom; the end-to-end suite (test/e2e) opts into the node
// environment per file and drives real Chromium against `npm start`'s server.
export default defineConfig({
  resolve: { conditions: ['@tenure/source', ...defaultClientConditions] },
  test: {
    name: 'web',
    root: import.meta.dirname,
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    setupFiles: ['./test/setup.ts'],
    // One web build and one server at a time: e2e files each start `npm start`.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
