// What the Markdown and HTML reports say, derived once from the rows: areas (groups) in a fixed order,
// a headline per area, the rows that are not faster, "what is compared" once per group, the
// improvement text in the row's own direction, concurrency series, and each chart's scale.
import type { ComprehensiveReport, RowResult } from './result';
import { kindTable, type BeforeAfterReport, type MetricSummary } from './before-after-report';

/** A ratio to 3 significant digits, thousands grouped: 0.952x, 2.17x, 23.0x, 477x, 2,738x. */
export function fmtRatio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x >= 1000) return `${Math.round(x).toLocaleString('en-US')}x`;
  return `${x.toPrecision(3)}x`;
}

const fmtSpeedup = fmtRatio;

export { ratioTick, scaleFor, type Scale } from './report-scale';

export const AREA_ORDER = ['tokens', 'pool', 'ratelimit', 'router', 'core'];

const TITLES: Record<string, string> = {
  tokens: 'Token counting',
  pool: 'HTTP: pooled transport and streaming',
  ratelimit: 'Rate limiting',
  router: 'Router',
  core: 'Shim core (handler lookup, guard)',
};

export function areaTitle(group: string): string {
  return TITLES[group] ?? group.charAt(0).toUpperCase() + group.slice(1);
}

export const isMemory = (r: Pick<RowResult, 'unit'>) => r.unit === 'bytes' || r.unit === 'B/key';

export const isTimed = (r: RowResult): boolean =>
  r.speedup !== undefined && Number.isFinite(r.speedup) && r.speedup > 0 && r.status !== 'FAILED' && r.status !== 'skipped';

/** Rows grouped by `group`, groups in AREA_ORDER then by name. */
export function groupsOf(rows: readonly RowResult[]): Array<{ group: string; rows: RowResult[] }> {
  const m = new Map<string, RowResult[]>();
  for (const r of rows) m.set(r.group, [...(m.get(r.group) ?? []), r]);
  const rank = (g: string) => (AREA_ORDER.includes(g) ? AREA_ORDER.indexOf(g) : AREA_ORDER.length);
  return [...m].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)).map(([group, rs]) => ({ group, rows: rs }));
}

function pct3(p: number): string {
  const a = Math.abs(p);
  if (a >= 100) return Math.round(a).toString();
  // -99.95% and -99.96% must not both read -100.0%: keep one significant digit of what is left.
  if (a > 99.5) return a.toFixed(Math.max(1, Math.ceil(-Math.log10(100 - a))));
  return a.toFixed(1);
}

/**
 * The change in the row's own direction: a throughput gain of 2.17x is '+117% req/s'; a time row at
 * 2.17x is '−53.9% time'; a size row '−95.4% memory'; a slower time row '+92.3% time'.
 */
export function improvementText(r: Pick<RowResult, 'speedup' | 'higherIsBetter' | 'unit'>): string {
  const s = r.speedup;
  if (s === undefined || !Number.isFinite(s) || s <= 0) return 'n/a';
  if (r.higherIsBetter) {
    const p = (s - 1) * 100;
    return `${p >= 0 ? '+' : '−'}${pct3(p)}% ${r.unit}`;
  }
  // Cost ratio shimmed / baseline = 1 / speedup.
  const p = (1 / s - 1) * 100;
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${pct3(p)}% ${isMemory(r) ? 'memory' : 'time'}`;
}

export function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export interface Headline {
  group: string;
  title: string;
  /** The headline figure: median speedup of the area's time and throughput rows. */
  figure: string;
  /** What the figure is: 'median of 24 rows, 1.22x–7.15x'. */
  basis: string;
  /** Memory, apart: 'memory per key 21.8x–25.5x smaller (3 rows)'. */
  memory?: string;
  /** Rows not counted as faster, each named with its figure and status. */
  notFaster: string[];
  /** Said when notFaster is empty. */
  allGood: string;
}

function range(xs: number[]): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? fmtSpeedup(lo) : `${fmtSpeedup(lo)}–${fmtSpeedup(hi)}`;
}

export function notFasterText(r: RowResult): string {
  if (r.status === 'FAILED' || r.status === 'skipped') return `${r.name}: ${r.status}${r.error ? ` (${r.error})` : ''}`;
  const accepted = r.status === 'overhead' && r.minSpeedup !== undefined ? `, an accepted cost ≥ ${r.minSpeedup}x` : '';
  return `${r.name}: ${r.status} at ${fmtSpeedup(r.speedup)}${accepted}`;
}

export function headlines(rows: readonly RowResult[]): Headline[] {
  return groupsOf(rows).map(({ group, rows: rs }) => {
    const time = rs.filter((r) => isTimed(r) && !isMemory(r));
    const mem = rs.filter((r) => isTimed(r) && isMemory(r));
    const speedups = time.map((r) => r.speedup!);
    // A median of two or three unlike rows says nothing: such a group shows its range and names each row.
    const few = speedups.length > 0 && speedups.length <= 3;
    const h: Headline = {
      group,
      title: areaTitle(group),
      figure: speedups.length === 0 ? 'n/a' : few ? range(speedups) : fmtSpeedup(median(speedups)),
      basis: speedups.length === 0
        ? 'no timed row'
        : few
          ? time.map((r) => `${r.name} ${fmtSpeedup(r.speedup)}`).join('; ')
          : `median of ${speedups.length} time and throughput rows, ${range(speedups)}`,
      notFaster: rs.filter((r) => r.status !== 'faster').map(notFasterText),
      allGood: 'Every row faster.',
    };
    if (mem.length) h.memory = `memory ${range(mem.map((r) => r.speedup!))} smaller (${mem.length} row${mem.length > 1 ? 's' : ''})`;
    return h;
  });
}

/**
 * The before/after run's headline: startup, then the metrics a user feels; every metric and every
 * request kind's p50 / p99 that is not better is named.
 */
export function beforeAfterHeadline(ba: BeforeAfterReport): Headline {
  const by = (k: string) => ba.metrics.find((m) => m.key === k);
  const startup = by('startupMs');
  const shown = ['throughput', 'p99Ms', 'maxRssKB'].map(by).filter((m): m is MetricSummary => m !== undefined);
  const notFaster = ba.metrics
    .filter((m) => Number.isFinite(m.gain) && m.gain < 1.05)
    .map((m) => `${m.label}: ${m.gain < 0.95 ? 'worse' : 'same'} at ${fmtSpeedup(m.gain)}`);
  for (const k of kindTable(ba)) {
    for (const [what, plain, shim] of [['p50', k.p50Plain, k.p50Shimmed], ['p99', k.p99Plain, k.p99Shimmed], ['first call', k.firstPlain, k.firstShimmed]] as const) {
      if (plain === undefined || shim === undefined || !Number.isFinite(plain) || !Number.isFinite(shim)) continue;
      if (shim > plain * 1.05) notFaster.push(`${k.kind} requests, ${what}: worse, ${plain.toFixed(1)} ms plain → ${shim.toFixed(1)} ms shimmed`);
    }
  }
  return {
    group: 'before-after',
    title: 'Startup and a whole app (before/after)',
    figure: startup ? fmtSpeedup(startup.gain) : 'n/a',
    basis: `startup of the same chat app, plain node vs --import (median of ${ba.runs.plain.length} pairs); ` +
      shown.map((m) => `${m.label.charAt(0).toLowerCase()}${m.label.slice(1)} ${fmtSpeedup(m.gain)}`).join(', '),
    notFaster,
    allGood: 'Every metric and request kind better.',
  };
}

export interface Pair {
  baseline: string;
  shimmed: string;
  peers: string[];
  /** Rows comparing this pair, rows of one family at several concurrencies named once. */
  rows: string[];
}

/** "What is compared", once per group: each distinct baseline/shimmed pair and the peers timed with it. */
export function pairsOf(rows: readonly RowResult[]): Pair[] {
  const m = new Map<string, Pair>();
  for (const r of rows) {
    const k = `${r.baselineName}\u0000${r.acceleratedName}`;
    const p = m.get(k) ?? { baseline: r.baselineName, shimmed: r.acceleratedName, peers: [], rows: [] };
    for (const peer of Object.keys(r.peers ?? {})) if (!p.peers.includes(peer)) p.peers.push(peer);
    const label = familyLabel(r);
    if (!p.rows.includes(label)) p.rows.push(label);
    m.set(k, p);
  }
  return [...m.values()];
}

/** `pool.openai.c-8-throughput` -> { family: 'pool.openai', c: 8, measure: 'throughput' }. */
export function concurrencyOf(r: Pick<RowResult, 'id'>): { family: string; c: number; measure: string } | undefined {
  const m = /^(.*)\.c-(\d+)-(.+)$/.exec(r.id);
  return m ? { family: m[1], c: Number(m[2]), measure: m[3] } : undefined;
}

/** The row name without its '(c=8 throughput)' suffix: the family's label. */
export function familyLabel(r: Pick<RowResult, 'name'>): string {
  return r.name.replace(/\s*\(c=\d+[^)]*\)\s*$/, '');
}

export interface Matrix {
  levels: number[];
  lines: Array<{ family: string; label: string; measure: string; cells: Map<number, RowResult> }>;
}

/** Rows measured at several concurrencies, as family × measure lines over the levels. */
export function concurrencyMatrix(rows: readonly RowResult[]): Matrix | undefined {
  const levels = new Set<number>();
  const lines = new Map<string, Matrix['lines'][number]>();
  for (const r of rows) {
    const c = concurrencyOf(r);
    if (!c) continue;
    levels.add(c.c);
    const k = `${c.family} ${c.measure}`;
    const line = lines.get(k) ?? { family: c.family, label: familyLabel(r), measure: c.measure.replace(/-/g, ' '), cells: new Map() };
    line.cells.set(c.c, r);
    lines.set(k, line);
  }
  if (levels.size < 2) return undefined;
  return { levels: [...levels].sort((a, b) => a - b), lines: [...lines.values()] };
}

export interface Series {
  label: string;
  /** req/s by concurrency level for plain, shimmed and the raw ceiling (a peer named '... ceiling'). */
  plain: Array<[number, number]>;
  shimmed: Array<[number, number]>;
  ceiling: Array<[number, number]>;
  ceilingName?: string;
  unit: string;
}

/** Throughput families (higher-is-better rows at several concurrencies) as lines for a chart. */
export function throughputSeries(rows: readonly RowResult[]): Series[] {
  const m = concurrencyMatrix(rows.filter((r) => r.higherIsBetter && isTimed(r)));
  if (!m) return [];
  return m.lines.filter((l) => l.cells.size >= 2).map((l) => {
    const cells = [...l.cells].sort(([a], [b]) => a - b);
    const ceilingName = Object.keys(cells[0][1].peers ?? {}).find((k) => /ceiling/i.test(k));
    const ceiling = (name: string) => cells.flatMap(([c, r]): Array<[number, number]> => {
      const peer = r.peers?.[name];
      return peer ? [[c, peer.median]] : [];
    });
    return {
      label: l.label,
      unit: cells[0][1].unit,
      plain: cells.map(([c, r]) => [c, r.baseline!.median]),
      shimmed: cells.map(([c, r]) => [c, r.accelerated!.median]),
      ceiling: ceilingName ? ceiling(ceilingName) : [],
      ceilingName,
    };
  });
}

export interface GroupNotes {
  /** Clauses every noted row of the group shares, said once. */
  common: string[];
  /** The rest, per row (rows with the same remainder listed together). */
  rows: Array<{ names: string[]; note: string }>;
}

function clausesOf(r: RowResult): string[] {
  const parts: string[] = r.note ? r.note.split(/;\s+/).filter(Boolean) : [];
  if (r.peerMismatch?.length) parts.push(`peer results differ from the baseline: ${r.peerMismatch.join(', ')}`);
  if (r.firstAttempt) parts.push(`re-measured by the CI gate; first attempt ${fmtSpeedup(r.firstAttempt.speedup)} (${r.firstAttempt.status})`);
  return parts;
}

/** The rows' notes with what they all say once, so 24 rows of one family do not repeat it 24 times. */
export function notesOf(rows: readonly RowResult[]): GroupNotes {
  const noted = rows.map((r) => ({ r, parts: clausesOf(r) })).filter((x) => x.parts.length);
  const common = noted.length > 1 ? noted[0].parts.filter((p) => noted.every((x) => x.parts.includes(p))) : [];
  const m = new Map<string, string[]>();
  for (const { r, parts } of noted) {
    const rest = parts.filter((p) => !common.includes(p)).join('; ');
    if (rest) m.set(rest, [...(m.get(rest) ?? []), r.name]);
  }
  return { common, rows: [...m].map(([note, names]) => ({ names, note })) };
}

export type { ComprehensiveReport };
