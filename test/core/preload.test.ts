import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';

// What lazy loading defers at require('litellm') loads in the background right after start-up, so
// no first request pays for it, and without keeping a process alive that is done sooner.
const require = createRequire(import.meta.url);
const loaded = (name: string) => Object.keys(require.cache).some((f) => f.includes(`/node_modules/${name}/`));

it('the provider SDKs litellm defers load in the background, unref\'d, without a call', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  applyAcceleration();
  const before = timers();
  require('litellm');
  expect(loaded('@anthropic-ai/sdk')).toBe(false);
  expect(timers()).toBe(before);
  const deadline = Date.now() + 10_000;
  while (!(loaded('@anthropic-ai/sdk') && loaded('cohere-ai')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(loaded('@anthropic-ai/sdk')).toBe(true);
  expect(loaded('cohere-ai')).toBe(true);
  // Loaded through the require chain, so the SDK's own rows applied as they do on first use.
  const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r.state]));
  expect(rows['anthropic.fetch']).toBe('applied');
  await removeAcceleration();
});
