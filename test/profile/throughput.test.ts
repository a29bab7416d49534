// `profile throughput` and `--sweep` end-to-end against the mock server.
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { plateauOf } from '../../src/cli/profile/commands';
import { profile } from './helpers';

let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('fast-litellm profile throughput', () => {
  it('RPS is bounded by concurrency / mock latency; every request is accounted for', async () => {
    mock = await startMockServer({ latencyMs: 50 });
    const r = await profile(['throughput', '--url', mock.url, '--requests', '40', '--concurrency', '10', '--no-stream', '--json']);
    const s = r.doc.summary;
    expect(r.code).toBe(0);
    expect(s.requests).toBe(40);
    expect(s.successful).toBe(40);
    expect(s.concurrency).toBe(10);
    // 10 in flight, 50 ms each: at most 200 req/s
    expect(s.rps).toBeLessThanOrEqual(200 * 1.05);
    expect(s.rps).toBeGreaterThan(20);
    expect(s.latency_ms.min).toBeGreaterThanOrEqual(49);
    expect(r.doc.measurements.every((m: any) => m.concurrency === 10)).toBe(true);
    expect(mock.stats().connectionsOpened).toBeLessThanOrEqual(10 + 1); // + the pre-flight connect
  });

  it('500s and dropped connections are counted per kind, never abort the run', async () => {
    mock = await startMockServer({ failRate: 0.2, failStatus: 500, dropRate: 0.2, seed: 5 });
    const r = await profile(['throughput', '--url', mock.url, '--requests', '150', '--concurrency', '8', '--json']);
    const s = r.doc.summary;
    const ms = mock.stats();
    expect(s.requests).toBe(150);
    expect(s.errors.server_error).toBe(ms.failed);
    // a drop on a request that also failed is answered with the failure, so drops count separately
    expect(s.errors.connection_error ?? 0).toBe(ms.dropped);
    expect(s.successful).toBe(150 - ms.failed - ms.dropped);
    expect(ms.failed).toBeGreaterThan(0);
    expect(ms.dropped).toBeGreaterThan(0);
  });

  it('live progress is one updating line on a TTY and silent otherwise', async () => {
    mock = await startMockServer({ latencyMs: 30 });
    const tty = await profile(['throughput', '--url', mock.url, '--requests', '30', '--concurrency', '2', '--no-stream'], { isTTY: true });
    expect(tty.out).toMatch(/\r {2}Progress: +30\/30 \(100\.0% success, +[\d.,]+ req\/s\)\n/);
    expect(tty.out.split('\n').filter((l) => l.includes('Progress')).length).toBe(1);
    const piped = await profile(['throughput', '--url', mock.url, '--requests', '10', '--concurrency', '2', '--no-stream']);
    expect(piped.out).not.toContain('Progress');
    expect(piped.out).toMatch(/requests +ok +failed +duration +req\/s \(ok\)\n.*\n +10 +10 +0 +[\d.]+ (ms|s) +[\d.,]+\n/);
  });

  it('--sweep prints a table, the optimal concurrency and where throughput stops growing', async () => {
    mock = await startMockServer({ latencyMs: 40 });
    const r = await profile(['throughput', '--url', mock.url, '--requests', '16', '--sweep', '1,4', '--no-stream', '--export', exportPath()]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/concurrency +req\/s +median +p95 +success/);
    expect(r.out).toMatch(/^ +4 +[\d.,]+ +4\d\.\d ms +[\d.]+ ms +100\.0%$/m);
    expect(r.out).toContain('Optimal concurrency: ~4');
    const doc = JSON.parse(require('node:fs').readFileSync(exportPath(), 'utf8'));
    expect(doc.summary.levels.map((l: any) => l.concurrency)).toEqual([1, 4]);
    expect(doc.summary.levels[1].rps).toBeGreaterThan(doc.summary.levels[0].rps * 2);
    expect(doc.summary.optimal_concurrency).toBe(4);
    expect(doc.measurements).toHaveLength(32);
    expect(doc.config.sweep).toEqual([1, 4]);
  });

  it('--sweep against the zero-latency mock prints sub-millisecond medians in µs, never "median 0 ms"', async () => {
    const r = await profile(['throughput', '--mock', '--requests', '20', '--sweep', '1,2', '--no-stream']);
    expect(r.code).toBe(0);
    // A zero of its own (0 ms, 0.0 ms), not the end of another figure (a p95 of 15.0 ms matched \b0 ms).
    expect(r.out).not.toMatch(/(?<![\d.])0(\.0+)? ms/);
    expect(r.out).toMatch(/concurrency 1: [\d.,]+ req\/s, median [\d.]+ (µs|ms)/);
    expect(r.out).toContain('the target is the embedded mock with no latency');
  });

  it('plateau: the first level whose RPS gain is under 10%', () => {
    const lv = (c: number, rps: number) =>
      ({ concurrency: c, rps, requests: 1, success_rate: 1, median_latency_ms: 1, p95_latency_ms: 1 });
    expect(plateauOf([lv(1, 10), lv(2, 20), lv(5, 21), lv(10, 30)])).toBe(2);
    expect(plateauOf([lv(1, 10), lv(2, 20), lv(5, 40)])).toBeNull();
    expect(plateauOf([lv(1, 10), lv(2, 9)])).toBe(1);
  });
});

function exportPath(): string {
  return require('node:path').join(require('node:os').tmpdir(), `fast-litellm-sweep-${process.pid}.json`);
}
