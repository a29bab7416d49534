// The router through the shim: an unchanged litellm app with a model_list in its config file.
// With no model_list, litellm is exactly what it was: its exports are the original objects.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, setConfig } from '../../src/config';
import { applyAcceleration, getPatchStatus, getRouterStats, removeAcceleration, startMockServer, type MockServer }
  from '../../src/index';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'fl-router-shim-'));
let a: MockServer;
let b: MockServer;
let plain: MockServer;

beforeAll(async () => {
  [a, b, plain] = await Promise.all([startMockServer({}), startMockServer({}), startMockServer({})]);
});
afterAll(async () => {
  await removeAcceleration();
  setConfig(loadConfig({}));
  await Promise.all([a.close(), b.close(), plain.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const completionModule = () => require('litellm/dist/src/completion') as { completion: (p: object) => Promise<unknown> };
const embeddingModule = () => require('litellm/dist/src/embedding') as { embedding: (p: object) => Promise<unknown> };
const messages = [{ role: 'user', content: 'hi' }];

describe('no model_list: plain litellm', () => {
  it('every export the app reaches is the original object, and routing rows are off', async () => {
    const litellm = require('litellm');
    const originals = {
      completion: completionModule().completion, embedding: embeddingModule().embedding, index: litellm.completion,
    };
    setConfig(loadConfig({}));
    applyAcceleration();
    expect(completionModule().completion).toBe(originals.completion);
    expect(embeddingModule().embedding).toBe(originals.embedding);
    expect(litellm.completion).toBe(originals.index);
    const rows = getPatchStatus().rows.filter((r) => r.feature === 'router');
    expect(rows.map((r) => [r.id, r.state])).toEqual([['litellm.completion.router', 'off'], ['litellm.embedding.router', 'off']]);
    const r = (await litellm.completion({ model: 'gpt-3.5-turbo', baseUrl: `${plain.url}/v1`, apiKey: 'sk-x', messages })) as object;
    expect(Object.getOwnPropertyNames(r)).not.toContain('_hidden_params');
    await removeAcceleration();
    expect(completionModule().completion).toBe(originals.completion);
  });
});

describe('with a model_list in FAST_LITELLM_CONFIG', () => {
  it('completion() and embedding() route the configured group; any other model goes to litellm as before', async () => {
    const config = {
      model_list: [
        { model_name: 'chat', litellm_params: { model: 'openai/gpt-3.5-turbo', api_base: `${a.url}/v1`, api_key: 'sk-a' } },
        { model_name: 'chat', litellm_params: { model: 'gpt-3.5-turbo', api_base: `${b.url}/v1`, api_key: 'sk-b' } },
        { model_name: 'embed', litellm_params: { model: 'openai/text-embedding-3-small', api_base: `${a.url}/v1`, api_key: 'sk-a' } },
      ],
      router_settings: { routing_strategy: 'simple-shuffle' },
    };
    const p = join(dir, 'config.json');
    writeFileSync(p, JSON.stringify(config));
    const original = completionModule().completion;
    setConfig(loadConfig({ FAST_LITELLM_CONFIG: p }));
    applyAcceleration();
    expect(completionModule().completion).not.toBe(original);
    const litellm = require('litellm');
    const before = [a.stats().requests, b.stats().requests];
    for (let i = 0; i < 40; i++) {
      const r = (await litellm.completion({ model: 'chat', messages })) as { _hidden_params: { model_group: string } };
      expect(r._hidden_params.model_group).toBe('chat');
    }
    const spread = [a.stats().requests - before[0], b.stats().requests - before[1]];
    expect(spread[0] + spread[1]).toBe(40);
    expect(Math.min(...spread)).toBeGreaterThan(5);
    expect(getRouterStats()).toMatchObject({ calls: 40, successes: 40 });
    const e = (await litellm.embedding({ model: 'embed', input: 'hello' })) as { data: unknown[] };
    expect(e.data).toHaveLength(1);
    // Not a configured name: litellm's own path, unchanged.
    const plainBefore = plain.stats().requests;
    const r = (await litellm.completion({ model: 'gpt-3.5-turbo', baseUrl: `${plain.url}/v1`, apiKey: 'sk-x', messages })) as object;
    expect(plain.stats().requests - plainBefore).toBe(1);
    expect(Object.getOwnPropertyNames(r)).not.toContain('_hidden_params');
    // A stream through the router.
    const s = (await litellm.completion({ model: 'chat', messages, stream: true })) as AsyncIterable<{ choices: { delta: { content?: string } }[] }>;
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    await removeAcceleration();
    expect(completionModule().completion).toBe(original);
  });
});
