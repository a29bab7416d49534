import { Histogram } from './histogram';

// Per patched function counters. Components are named by patch id (e.g. 'litellm.getHandler'),
// never by anything from the call: no model names, keys or message text reach the stats.
export class ComponentStats {
  calls = 0;
  accelerated = 0;
  original = 0;
  fallbacks = 0;
  errors = 0;
  shadowCompared = 0;
  shadowMismatches = 0;
  readonly acceleratedNs = new Histogram();
  readonly originalNs = new Histogram();

  constructor(
    readonly component: string,
    readonly feature: string,
  ) {}

  reset(): void {
    this.calls = this.accelerated = this.original = this.fallbacks = this.errors = 0;
    this.shadowCompared = this.shadowMismatches = 0;
    this.acceleratedNs.reset();
    this.originalNs.reset();
  }
}

const registry = new Map<string, ComponentStats>();

export function statsFor(component: string, feature: string): ComponentStats {
  let s = registry.get(component);
  if (s === undefined) {
    s = new ComponentStats(component, feature);
    registry.set(component, s);
  }
  return s;
}

export function allStats(): ComponentStats[] {
  return [...registry.values()];
}

export interface ComponentSummary {
  component: string;
  feature: string;
  calls: number;
  accelerated: number;
  original: number;
  fallbacks: number;
  errors: number;
  shadowCompared: number;
  shadowMismatches: number;
  acceleratedP50Us: number;
  acceleratedP99Us: number;
  originalP50Us: number;
  originalP99Us: number;
}

const us = (ns: number): number => Math.round(ns / 10) / 100;

export function summarize(s: ComponentStats): ComponentSummary {
  return {
    component: s.component,
    feature: s.feature,
    calls: s.calls,
    accelerated: s.accelerated,
    original: s.original,
    fallbacks: s.fallbacks,
    errors: s.errors,
    shadowCompared: s.shadowCompared,
    shadowMismatches: s.shadowMismatches,
    acceleratedP50Us: us(s.acceleratedNs.quantile(0.5)),
    acceleratedP99Us: us(s.acceleratedNs.quantile(0.99)),
    originalP50Us: us(s.originalNs.quantile(0.5)),
    originalP99Us: us(s.originalNs.quantile(0.99)),
  };
}
