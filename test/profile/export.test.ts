// The export document: every field documented in README, stable across commands; wrappers and bare --sweep.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/mock';
import { profile } from './helpers';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Profiling a gateway'));

function keysOf(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).filter((k) => obj[k] !== undefined);
}

describe('profile export document', () => {
  it('every field of latency, sweep and compare exports is documented in README', async () => {
    const mock = await startMockServer({ models: { slow: { latencyMs: 5 } } });
    try {
      const docs = [
        (await profile(['latency', '--url', mock.url, '--iterations', '2', '--warmup', '0', '--json'])).doc,
        (await profile(['throughput', '--url', mock.url, '--requests', '2', '--sweep', '--json'])).doc,
        (await profile(['compare', '--url', mock.url, '--models', 'a', 'slow', '--iterations', '1', '--warmup', '0', '--json'])).doc,
      ];
      expect(section.startsWith('## Profiling a gateway')).toBe(true);
      const missing = new Set<string>();
      for (const d of docs) {
        const fields = [
          ...keysOf(d), ...keysOf(d.config), ...keysOf(d.summary), ...keysOf(d.measurements[0]),
          ...keysOf(d.summary.latency_ms), ...(d.summary.levels ? keysOf(d.summary.levels[0]) : []),
          ...(d.summary.models ? keysOf(d.summary.models[0]) : []),
        ];
        for (const f of fields) if (!new RegExp(`[\`{ ]${f}[\`,}[ ]`).test(section)) missing.add(f);
      }
      expect([...missing]).toEqual([]);
      // bare --sweep = the Python tool's levels
      expect(docs[1].summary.levels.map((l: any) => l.concurrency)).toEqual([1, 2, 5, 10, 20, 50]);
    } finally {
      await mock.close();
    }
  });

  it('scripts/profile-latency.sh wraps the CLI', () => {
    const r = spawnSync(join(root, 'scripts/profile-latency.sh'), ['--mock', '--iterations', '1', '--warmup', '0', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.tool).toBe('fast-litellm profile latency');
    expect(doc.summary.successful).toBe(1);
  }, 30_000);
});
