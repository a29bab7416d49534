// LangChain (@langchain/core 1.4 in test/fixtures/langchain, its own js-tiktoken copy) counting a chat
// history with ChatOpenAI.getNumTokensFromMessages, plain node vs `-r fast-litellm/register`: the same
// counts, the encoder made by the shim's js-tiktoken/lite class row. LangChain downloads its rank file;
// the workload's fetch stand-in serves the fixture's own js-tiktoken ranks file (no network).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runNode } from '../node-child';

const root = join(__dirname, '..', '..');
const fixture = join(root, 'test', 'fixtures', 'langchain');
const script = join(root, 'benchmarks', 'workload', 'langchain-tokens.cjs');

interface Run {
  counts: number[];
  encoder: string;
}

beforeAll(() => {
  ensureBuilt();
  execFileSync('bash', [join(root, 'scripts', 'fixtures.sh'), 'langchain'], { stdio: ['ignore', 'ignore', 'inherit'] });
});

describe('LangChain getNumTokensFromMessages under the shim', () => {
  it('gives the same counts as plain, from an encoder the shim made (lite class row)', async () => {
    const [plain, shimmed] = await Promise.all([
      runNode([script, fixture, '5'], {}),
      runNode(['-r', 'fast-litellm/register', script, fixture, '5'], {}),
    ]);
    const [p, s] = [plain.out as Run, shimmed.out as Run];
    expect(p.encoder).toBe('plain');
    expect(s.encoder).toBe('made by the shim');
    expect(p.counts.length).toBe(6);
    expect(p.counts[0]).toBeGreaterThan(500);
    expect(s.counts).toEqual(p.counts);
    for (const run of [plain, shimmed]) expect(run.stderr).not.toMatch(/Failed to calculate number of tokens/);
  });
});
