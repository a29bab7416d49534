import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';
import { isSdkDefaultFetch } from '../../src/shims/openai-fetch';
import { MAJORS, fixtureRequire, poolRequests } from './helpers';

// openai 5, 6 and 7 loaded BEFORE applyAcceleration() (this file runs in its own process): the rows
// apply to the loaded modules, only the two replaced properties differ while applied, and
// removeAcceleration() puts every property of every export and prototype back exactly.

let mock: MockServer;
type Snapshot = Map<object, Map<PropertyKey, PropertyDescriptor>>;

const sdks = MAJORS.map((major) => {
  const req = fixtureRequire(`openai-${major}`);
  const main = req('openai');
  // Internal files by path (the package exports map hides them): the very instances client.js uses.
  const dir = dirname(req.resolve('openai'));
  const shims = req(join(dir, 'internal', 'shims.js'));
  const streaming = req(join(dir, 'core', 'streaming.js'));
  const objects: [string, object][] = [
    ['main', main], ['OpenAI', main.OpenAI], ['OpenAI.prototype', main.OpenAI.prototype],
    ['AzureOpenAI.prototype', main.AzureOpenAI.prototype], ['internal/shims', shims], ['core/streaming', streaming],
    ['Stream', streaming.Stream], ['Stream.prototype', streaming.Stream.prototype],
  ];
  return { major, main, shims, streaming, objects };
});

function snapshot(objects: [string, object][]): Snapshot {
  const s: Snapshot = new Map();
  for (const [, o] of objects) {
    const m = new Map<PropertyKey, PropertyDescriptor>();
    for (const k of Reflect.ownKeys(o)) m.set(k, Object.getOwnPropertyDescriptor(o, k)!);
    s.set(o, m);
  }
  return s;
}

/** 'name.key' of every property whose descriptor differs (by identity of each field). */
function changed(before: Snapshot, objects: [string, object][]): string[] {
  const after = snapshot(objects);
  const out: string[] = [];
  for (const [name, o] of objects) {
    const a = before.get(o)!;
    const b = after.get(o)!;
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(k);
      const y = b.get(k);
      const same = x !== undefined && y !== undefined
        && (['value', 'get', 'set', 'writable', 'enumerable', 'configurable'] as const).every((f) => Object.is(x[f], y[f]));
      if (!same) out.push(`${name}.${String(k)}`);
    }
  }
  return out;
}

beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});

it('applies to SDKs loaded before it, changes only its two properties, and removeAcceleration() restores all', async () => {
  const before = sdks.map((s) => snapshot(s.objects));
  applyAcceleration({ features: { connection_pooling: 'on', streaming: 'on' } });
  const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r]));
  expect(rows['openai.getDefaultFetch'].state).toBe('applied');
  expect(rows['openai.core.Stream.fromSSEResponse'].state).toBe('applied');
  for (const [i, s] of sdks.entries()) {
    expect(changed(before[i], s.objects).sort(), `openai ${s.major}`).toEqual(['Stream.fromSSEResponse', 'internal/shims.getDefaultFetch']);
    const c = new s.main.OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` });
    expect(isSdkDefaultFetch(c.fetch)).toBe(true);
    const n0 = poolRequests();
    const stream = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    let n = 0;
    for await (const _ of stream) n++;
    expect(n).toBeGreaterThan(2);
    expect(poolRequests()).toBe(n0 + 1);
  }
  // A feature turned off restores its row alone; on again applies it again.
  applyAcceleration({ features: { streaming: 'off' } });
  for (const [i, s] of sdks.entries()) expect(changed(before[i], s.objects)).toEqual(['internal/shims.getDefaultFetch']);
  applyAcceleration({ features: { streaming: 'on' } });
  const kept = sdks.map((s) => new s.main.OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` }));
  await removeAcceleration();
  for (const [i, s] of sdks.entries()) {
    expect(changed(before[i], s.objects), `openai ${s.major}`).toEqual([]);
    expect(new s.main.OpenAI({ apiKey: 'k' }).fetch).toBe(globalThis.fetch);
    // A client built while it was on still answers, through the native fetch.
    const n0 = poolRequests();
    const r = await kept[i].chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(r.object).toBe('chat.completion');
    expect(poolRequests()).toBe(n0);
  }
});
