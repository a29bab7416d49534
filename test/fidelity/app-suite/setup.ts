import { createRequire } from 'node:module';
import { afterAll } from 'vitest';
import { record } from './observe';

// Loads the shim the way an app's vitest setup file would (APP_SUITE_SHIM=apply), and records, for
// ../app-suite.test.ts, which patch rows were applied in this worker (so a shimmed run that did not
// really load the shim cannot pass for one that did).
// Node's own require: in an app, fast-litellm sits in node_modules and vitest externalizes it (Node
// loads it). Here it is the project itself, which vitest would inline as source; its ESM wrapper then
// reads the CommonJS build through vite-node and gets no exports.
const req = createRequire(__filename);
const shim = process.env.APP_SUITE_SHIM ?? 'off';
if (shim === 'apply') (req('fast-litellm') as typeof import('../../../src/index')).applyAcceleration();

afterAll(() => {
  if (shim === 'off') {
    // Plain means plain: no file of fast-litellm loaded in this worker.
    const ours = Object.keys(req.cache).filter((f) => f.startsWith(req.resolve('fast-litellm').replace(/cjs[/\\]index\.js$/, '')));
    record('patch-status', { active: false, loaded: ours }, { perMode: true });
    return;
  }
  const status = (req('fast-litellm') as typeof import('../../../src/index')).getPatchStatus();
  record('patch-status', {
    active: status.active,
    applied: status.rows.filter((r) => r.state === 'applied').map((r) => r.id).sort(),
  }, { perMode: true });
});
