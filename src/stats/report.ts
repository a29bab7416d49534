import { invalidArgument } from '../errors';
import { allStats, type ComponentSummary, summarize } from './registry';

// Everything here is derived from counters and timings only: no arguments, results, model names or
// keys are ever stored, so nothing exported can leak message text or credentials.

export function getPerformanceStats(component?: string): Record<string, ComponentSummary> {
  const out: Record<string, ComponentSummary> = {};
  for (const s of allStats()) {
    if (component !== undefined && s.component !== component && s.feature !== component) continue;
    out[s.component] = summarize(s);
  }
  return out;
}

export function resetPerformanceStats(): void {
  for (const s of allStats()) s.reset();
}

export interface Recommendation {
  component: string;
  feature: string;
  kind: 'slower-than-original' | 'frequent-fallbacks' | 'shadow-mismatches' | 'ready-to-enable';
  message: string;
}

// Below this many samples a rule stays quiet: a handful of calls says nothing about a workload.
const MIN_SAMPLES = 50;

export function getRecommendations(): Recommendation[] {
  const out: Recommendation[] = [];
  for (const s of allStats()) {
    const base = { component: s.component, feature: s.feature };
    const acc = s.acceleratedNs;
    const orig = s.originalNs;
    if (acc.count >= MIN_SAMPLES && orig.count >= MIN_SAMPLES) {
      const a = acc.quantile(0.5);
      const o = orig.quantile(0.5);
      if (a > o * 1.1) {
        out.push({ ...base, kind: 'slower-than-original', message: `${s.component}: accelerated median ${(a / 1000).toFixed(1)} µs vs original ${(o / 1000).toFixed(1)} µs on this workload; consider turning ${s.feature} off` });
      }
    }
    if (s.calls >= MIN_SAMPLES && s.fallbacks / s.calls > 0.01) {
      out.push({ ...base, kind: 'frequent-fallbacks', message: `${s.component}: ${s.fallbacks} of ${s.calls} calls fell back to the original; check getPatchStatus() and stderr` });
    }
    if (s.shadowMismatches > 0) {
      out.push({ ...base, kind: 'shadow-mismatches', message: `${s.component}: ${s.shadowMismatches} of ${s.shadowCompared} shadow comparisons differed; keep ${s.feature} in shadow or off and report it` });
    } else if (s.shadowCompared >= MIN_SAMPLES && s.errors === 0) {
      out.push({ ...base, kind: 'ready-to-enable', message: `${s.component}: ${s.shadowCompared} shadow comparisons all equal; ${s.feature} can be turned on` });
    }
  }
  return out;
}

const CSV_COLUMNS: (keyof ComponentSummary)[] = [
  'component', 'feature', 'calls', 'accelerated', 'original', 'fallbacks', 'errors', 'shadowCompared', 'shadowMismatches',
  'acceleratedP50Us', 'acceleratedP99Us', 'originalP50Us', 'originalP99Us',
];

export function exportPerformanceData(component?: string, format: 'json' | 'csv' = 'json'): string {
  if (format !== 'json' && format !== 'csv') invalidArgument('exportPerformanceData: format', format, "'json' or 'csv'");
  const rows = Object.values(getPerformanceStats(component));
  if (format === 'json') return JSON.stringify({ exportedAt: new Date().toISOString(), components: rows }, null, 2);
  const cell = (v: unknown): string => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
