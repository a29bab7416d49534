import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, runNode } from '../node-child';

// What a newcomer sees: at FAST_LITELLM_LOG_LEVEL=info one line says the shim is active and one line
// per package what it accelerated; at debug every row with its state; at the default level nothing.
const app = join(__dirname, '..', 'fixtures', 'apps', 'loads-litellm.cjs');
const lines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('fast-litellm: '));

describe('the start-up lines', () => {
  it.each([['-r', 'fast-litellm/register'], ['--import', 'fast-litellm/register']])('%s: info says what is active and what each package got', async (...flags) => {
    ensureBuilt();
    const { out, stderr } = await runNode([...flags, app], { FAST_LITELLM_LOG_LEVEL: 'info' });
    expect(out).toEqual({ completion: 'function' });
    const said = lines(stderr);
    // Under --import on Node 20 the line adds that openai's ESM build is not hooked there.
    expect(said[0]).toMatch(/^fast-litellm: active; features on: token_counting, connection_pooling, streaming, handler_lookup, lazy_loading; off: rate_limiting, router, telemetry(; ESM imports of openai not hooked on this Node \(FAST_LITELLM_ESM_HOOK=on to hook them\))?$/);
    expect(said).toContainEqual(expect.stringMatching(/^fast-litellm: litellm 0\.12\.0: 14 of 20 patches active; off: rate_limiting, router, telemetry$/));
    // litellm's encoders.js requires js-tiktoken: its getEncoding, encodingForModel and main-entry rows.
    expect(said).toContainEqual(expect.stringMatching(/^fast-litellm: js-tiktoken 1\.0\.21: 4 of 6 patches active$/));
    expect(said).toContainEqual(expect.stringMatching(/^fast-litellm: openai 4\.104\.0: 2 of 2 patches active$/));
  });

  it('debug lists every row with its state', async () => {
    ensureBuilt();
    const { stderr } = await runNode(['-r', 'fast-litellm/register', app], { FAST_LITELLM_LOG_LEVEL: 'debug' });
    const said = lines(stderr);
    expect(said).toContain('fast-litellm: litellm.getHandler: applied');
    expect(said).toContain('fast-litellm: litellm.ollama.fetch: applied');
    expect(said).toContain('fast-litellm: litellm.completion.rateLimit: off (feature rate_limiting is off; the original is in place)');
    expect(said).toContain('fast-litellm: openai.fetch: applied');
  });

  it('the default level and a disabled shim stay quiet or say only that', async () => {
    ensureBuilt();
    expect(lines((await runNode(['-r', 'fast-litellm/register', app], {})).stderr)).toEqual([]);
    const off = await runNode(['-r', 'fast-litellm/register', app], { FAST_LITELLM_DISABLE: '1', FAST_LITELLM_LOG_LEVEL: 'info' });
    expect(lines(off.stderr)).toEqual(['fast-litellm: disabled (FAST_LITELLM_DISABLE or the config file); nothing is patched']);
  });
});
