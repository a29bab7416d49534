import { afterEach, describe, expect, it, vi } from 'vitest';
import { getConfig } from '../../src/config';
import { featureState, resetErrors, syncFeatures, withRequestId, isEnabled } from '../../src/shims/features';
import { guard, markInternal, unwrap } from '../../src/shims/guard';
import { statsFor } from '../../src/stats/registry';
import { getRecommendations, exportPerformanceData, getPerformanceStats } from '../../src/stats/report';

// The guard reads modes from the process config; each test sets the one it needs.
function setMode(mode: 'on' | 'off' | 'shadow' | `rollout:${number}`): void {
  const f = getConfig().features;
  f.streaming = mode.startsWith('rollout:') ? { mode: 'rollout', percent: Number(mode.slice(8)) } : ({ mode } as never);
  syncFeatures();
  resetErrors('streaming');
}

let n = 0;
const component = () => `test.fn${++n}`;

afterEach(() => {
  setMode('on');
  getConfig().errorThreshold = 10;
});

describe('guard', () => {
  it('keeps name and length and unwraps to the original', () => {
    function original(a: number, b: number) {
      return a + b;
    }
    const g = guard({ component: component(), feature: 'streaming', original, accelerated: (a: number, b: number) => a + b });
    expect(g.name).toBe('original');
    expect(g.length).toBe(2);
    expect(unwrap(g)).toBe(original);
  });

  it('times the first 256 accelerated calls, then one in 16, and counts every call', () => {
    setMode('on');
    const id = component();
    const g = guard({ component: id, feature: 'streaming', original: () => 'orig', accelerated: () => 'fast' });
    for (let i = 0; i < 300; i++) g();
    const s = statsFor(id, 'streaming');
    expect([s.calls, s.accelerated]).toEqual([300, 300]);
    expect(s.acceleratedNs.count).toBe(256 + 2); // calls 272 and 288
  });

  it('on: runs the accelerated path and counts it; off: the original, uncounted', () => {
    setMode('on');
    const id = component();
    const g = guard({ component: id, feature: 'streaming', original: () => 'orig', accelerated: () => 'fast' });
    expect(g()).toBe('fast');
    expect(statsFor(id, 'streaming').accelerated).toBe(1);
    setMode('off');
    expect(g()).toBe('orig');
    expect(statsFor(id, 'streaming').calls).toBe(1);
  });

  it('falls back to the original when the accelerated path throws, and counts it', () => {
    const id = component();
    const g = guard({ component: id, feature: 'streaming', original: (x: number) => x * 2, accelerated: () => { throw new Error('boom'); } });
    expect(g(21)).toBe(42);
    const s = statsFor(id, 'streaming');
    expect(s.fallbacks).toBe(1);
    expect(s.errors).toBe(1);
  });

  it('a bad input that fails in both paths throws the original error and is not counted as ours', () => {
    const id = component();
    const g = guard({
      component: id,
      feature: 'streaming',
      original: (x: unknown) => { if (typeof x !== 'string') throw new TypeError('original says no'); return x; },
      accelerated: () => { throw new TypeError('ours'); },
    });
    expect(() => g(5)).toThrowError('original says no');
    expect(statsFor(id, 'streaming').fallbacks).toBe(0);
    expect(featureState('streaming').errors).toBe(0);
  });

  it('turns the feature off after errorThreshold errors and says so once on stderr', () => {
    getConfig().errorThreshold = 3;
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const g = guard({ component: component(), feature: 'streaming', original: () => 1, accelerated: () => { throw new Error('x'); } });
    for (let i = 0; i < 5; i++) expect(g()).toBe(1);
    const st = featureState('streaming');
    expect(st.autoDisabled).toBe(true);
    expect(st.errors).toBe(3);
    const lines = write.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('streaming turned itself off'));
    expect(lines).toHaveLength(1);
    write.mockRestore();
    resetErrors('streaming');
    expect(featureState('streaming').autoDisabled).toBe(false);
    expect(isEnabled('streaming')).toBe(true);
  });

  it('shadow: returns the original result and records mismatches', () => {
    setMode('shadow');
    const id = component();
    const g = guard({ component: id, feature: 'streaming', original: (x: number) => x, accelerated: (x: number) => (x === 3 ? -1 : x) });
    expect([1, 2, 3, 4].map((x) => g(x))).toEqual([1, 2, 3, 4]);
    const s = statsFor(id, 'streaming');
    expect(s.shadowCompared).toBe(4);
    expect(s.shadowMismatches).toBe(1);
    expect(getRecommendations().some((r) => r.component === id && r.kind === 'shadow-mismatches')).toBe(true);
  });

  it('shadow with async paths compares resolved values', async () => {
    setMode('shadow');
    const id = component();
    const g = guard({ component: id, feature: 'streaming', async: true, original: async (x: number) => ({ v: x }), accelerated: async (x: number) => ({ v: x + (x > 1 ? 1 : 0) }) });
    expect(await g(1)).toEqual({ v: 1 });
    expect(await g(2)).toEqual({ v: 2 });
    const s = statsFor(id, 'streaming');
    expect([s.shadowCompared, s.shadowMismatches]).toEqual([2, 1]);
  });

  it('async: a rejected accelerated promise falls back', async () => {
    const id = component();
    const g = guard({ component: id, feature: 'streaming', async: true, original: async () => 'orig', accelerated: async () => { throw new Error('no'); } });
    expect(await g()).toBe('orig');
    expect(statsFor(id, 'streaming').fallbacks).toBe(1);
  });

  it('sideEffects: the library error passes through unchanged; only internal errors fall back', async () => {
    const id = component();
    const providerError = Object.assign(new Error('429'), { status: 429 });
    let originalCalls = 0;
    const mk = (err: Error) => guard({ component: id, feature: 'streaming', async: true, sideEffects: true, original: async () => { originalCalls++; return 'orig'; }, accelerated: async () => { throw err; } });
    await expect(mk(providerError)()).rejects.toBe(providerError);
    expect(originalCalls).toBe(0);
    expect(await mk(markInternal(new Error('our bug')))()).toBe('orig');
    expect(originalCalls).toBe(1);
  });

  it('rollout:0 never and rollout:100 always run the accelerated path', () => {
    const g = guard({ component: component(), feature: 'streaming', original: () => 'o', accelerated: () => 'a' });
    setMode('rollout:0');
    expect(new Set(Array.from({ length: 2000 }, () => g()))).toEqual(new Set(['o']));
    setMode('rollout:100');
    expect(new Set(Array.from({ length: 2000 }, () => g()))).toEqual(new Set(['a']));
  });

  it('rollout:N serves about N% of calls (within 5 sigma of the binomial)', () => {
    setMode('rollout:30');
    const g = guard({ component: component(), feature: 'streaming', original: () => 0, accelerated: () => 1 });
    const trials = 20_000;
    let hits = 0;
    for (let i = 0; i < trials; i++) hits += g();
    const sigma = Math.sqrt(trials * 0.3 * 0.7);
    expect(Math.abs(hits - trials * 0.3)).toBeLessThan(5 * sigma);
  });

  it('rollout is sticky per request id', () => {
    setMode('rollout:50');
    const g = guard({ component: component(), feature: 'streaming', original: () => 0, accelerated: () => 1 });
    let inCount = 0;
    for (let r = 0; r < 200; r++) {
      const answers = new Set(Array.from({ length: 20 }, () => withRequestId(`req-${r}`, () => g())));
      expect(answers.size).toBe(1);
      inCount += [...answers][0];
      expect(isEnabled('streaming', `req-${r}`)).toBe([...answers][0] === 1);
    }
    expect(inCount).toBeGreaterThan(50);
    expect(inCount).toBeLessThan(150);
  });

  it('stats carry no arguments or results; csv and json exports agree', () => {
    setMode('on');
    const id = component();
    const secret = 'sk-live-SECRET';
    const g = guard({ component: id, feature: 'streaming', original: (s: string) => s.length, accelerated: (s: string) => s.length });
    for (let i = 0; i < 10; i++) g(`${secret} hello message text`);
    const json = exportPerformanceData(id, 'json');
    const csv = exportPerformanceData(id, 'csv');
    for (const out of [json, csv, JSON.stringify(getPerformanceStats())]) {
      expect(out).not.toContain(secret);
      expect(out).not.toContain('message text');
    }
    expect(JSON.parse(json).components[0]).toMatchObject({ component: id, calls: 10, accelerated: 10 });
    expect(csv.split('\n')[1].startsWith(`${id},streaming,10,10,`)).toBe(true);
    expect(() => exportPerformanceData(id, 'xml' as never))
      .toThrowError("exportPerformanceData: format: invalid value \"xml\"; accepted: 'json' or 'csv'");
  });
});
