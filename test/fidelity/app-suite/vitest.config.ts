import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The "app" test project that ../app-suite.test.ts runs in a child vitest, once per way of loading
// the shim (APP_SUITE_SHIM: off | apply | register-r | register-import) and with or without litellm
// inlined into vitest's module graph (APP_SUITE_INLINE=1).
const shim = process.env.APP_SUITE_SHIM ?? 'off';
const execArgv: Record<string, string[]> = {
  'register-r': ['-r', 'fast-litellm/register'],
  'register-import': ['--import', 'fast-litellm/register'],
};

export default defineConfig({
  root: join(__dirname, '..', '..', '..'),
  cacheDir: join(__dirname, '..', '..', '..', 'node_modules', '.vite-fidelity-app-suite'),
  test: {
    include: ['test/fidelity/app-suite/*.app.ts'],
    setupFiles: [join(__dirname, 'setup.ts')],
    pool: 'forks',
    // One worker: the outer test runs several of these child vitests on a 2-core machine.
    poolOptions: { forks: { singleFork: false, maxForks: 1, minForks: 1, execArgv: execArgv[shim] ?? [] } },
    testTimeout: 30_000,
    server: { deps: { inline: process.env.APP_SUITE_INLINE === '1' ? ['litellm'] : [] } },
  },
});
