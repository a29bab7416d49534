import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core machines: more parallel files only add contention to the child-process tests.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
