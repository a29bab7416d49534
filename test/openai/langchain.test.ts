import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { getPatchStatus, removeAcceleration } from '../../src/index';
import { fixtureRequire, poolRequests, shim } from './helpers';

// @langchain/openai's ChatOpenAI (on its own openai 7) pointed at the mock as if it were a LiteLLM
// proxy: invoke, stream and batch give equal results plain and shimmed, the shimmed ones over the
// pooled transport and the fast SSE reader.
let mock: MockServer;
let ChatOpenAI: any;

beforeAll(async () => {
  mock = await startMockServer({ seed: 7 });
  shim(true);
  ({ ChatOpenAI } = fixtureRequire('langchain')('@langchain/openai'));
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});

const text = (m: any) => ({
  content: m.content, usage: m.usage_metadata ?? null, finish: m.response_metadata?.finish_reason ?? null,
});

async function calls() {
  const llm = new ChatOpenAI({
    model: 'gpt-4o-mini', apiKey: 'sk-proxy', configuration: { baseURL: `${mock.url}/v1` }, maxRetries: 0, streamUsage: true,
  });
  const invoke = text(await llm.invoke('What is LiteLLM?'));
  const chunks: string[] = [];
  for await (const c of await llm.stream('Stream please')) chunks.push(String(c.content));
  const batch = (await llm.batch(['one', 'two', 'three'])).map(text);
  return { invoke, chunks, batch };
}

it('ChatOpenAI invoke, stream and batch: equal plain and shimmed, shimmed over the pool', async () => {
  const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r]));
  shim(false);
  const n0 = poolRequests();
  const plain = await calls();
  expect(poolRequests()).toBe(n0);
  shim(true);
  const shimmed = await calls();
  expect(poolRequests() - n0).toBe(5);
  expect(shimmed).toEqual(plain);
  expect(plain.chunks.join('')).not.toBe('');
  expect(getPatchStatus().rows.find((r) => r.id === 'openai.getDefaultFetch')).toMatchObject({ state: 'applied', version: '7.59.0' });
  expect(rows['openai.core.Stream.fromSSEResponse']?.state).toBe('applied');
});
