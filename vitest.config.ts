import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 20000,
    hookTimeout: 20000,
    // The conformance and integration tests start loopback servers and child processes;
    // two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});
