import { BoundedValues } from './labels';
import type { PromCounter, PromGauge, PromMetric } from './prom-client';

// Metrics read from their sources when the registry is scraped: the shim's own counts, the token memo,
// the pools, the router's deployments and the rate limits' last checks. Each source is cumulative, so a
// counter is set to its total on each scrape (reset, then incremented by the total); nothing is done per call.

export interface ComponentCounts {
  component: string;
  accelerated: number;
  original: number;
  fallbacks: number;
}

export interface FeatureFlags {
  feature: string;
  enabled: boolean;
  autoDisabled: boolean;
}

export interface PoolCounts {
  origin: string;
  open: number;
  idle: number;
  requests: number;
  connects: number;
}

export interface DeploymentSnapshot {
  id: string;
  group: string;
  model: string;
  apiBase: string;
  provider: string;
  cooled: boolean;
  calls: number;
  failures: number;
  cooldowns: number;
  rpm?: number;
  tpm?: number;
}

export interface RouterSnapshot {
  successes: number;
  failures: number;
  retries: number;
  fallbacks: number;
  deployments: DeploymentSnapshot[];
}

/** The last check of a rate-limit scope for a model (the limiter's view). */
export interface ScopeRemaining {
  scope: string;
  model: string;
  remainingRequests?: number;
  remainingTokens?: number;
}

/** Where the scrape-time metrics come from; each is optional and may throw (the metric is then skipped). */
export interface ScrapeSources {
  components?(): ComponentCounts[];
  features?(): FeatureFlags[];
  tokenCache?(): { hits: number; misses: number; bytes: number };
  pools?(): PoolCounts[];
  router?(): RouterSnapshot | undefined;
  rateLimits?(): ScopeRemaining[];
}

/** What the scrape reads of the metrics counted as the router decides. */
export interface RouterState {
  state(id: string, cooled: boolean, now: number): number;
  /** The model_id label of a deployment id (the same bounded values the counters use). */
  idLabel(id: string): string;
}

type Collect = (this: PromMetric) => void;

function safely(fill: (m: PromMetric) => void): Collect {
  return function (this: PromMetric) {
    try {
      this.reset();
      fill(this);
    } catch {
      // A source that fails leaves its metric empty for this scrape; the scrape itself goes on.
    }
  };
}

const inc = (m: PromMetric, labels: Record<string, string>, v: number): void => {
  if (v > 0) (m as PromCounter).inc(labels, v);
};
const set = (m: PromMetric, labels: Record<string, string>, v: number): void => (m as PromGauge).set(labels, v);

function deploymentCollectors(sources: () => ScrapeSources, router: RouterState): Record<string, Collect> {
  const each = (fill: (m: PromMetric, d: DeploymentSnapshot, l: Record<string, string>) => void) =>
    safely((m) => {
      for (const d of sources().router?.()?.deployments ?? []) {
        const labels = { litellm_model_name: d.model, model_id: router.idLabel(d.id), api_base: d.apiBase,
          api_provider: d.provider };
        fill(m, d, labels);
      }
    });
  return {
    litellm_deployment_state: each((m, d, l) => set(m, l, router.state(d.id, d.cooled, Date.now()))),
    litellm_deployment_rpm_limit: each((m, d, l) => d.rpm !== undefined && set(m, l, d.rpm)),
    litellm_deployment_tpm_limit: each((m, d, l) => d.tpm !== undefined && set(m, l, d.tpm)),
  };
}

function remainingCollectors(sources: () => ScrapeSources, max: number): Record<string, Collect> {
  const models = new BoundedValues(max);
  const scopes = new BoundedValues(max);
  const fill = (pick: (r: ScopeRemaining) => number | undefined) => safely((m) => {
    for (const r of sources().rateLimits?.() ?? []) {
      const v = pick(r);
      if (v !== undefined && Number.isFinite(v)) set(m, { scope: scopes.of(r.scope), model: models.of(r.model) }, v);
    }
  });
  return {
    fast_litellm_rate_limit_remaining_requests: fill((r) => r.remainingRequests),
    fast_litellm_rate_limit_remaining_tokens: fill((r) => r.remainingTokens),
  };
}

/** The scrape-time fill of a catalog metric, or undefined for metrics recorded per call. */
export function collectorFor(name: string, sources: () => ScrapeSources, max: number, router: RouterState):
  Collect | undefined {
  const origins = new BoundedValues(max);
  const table: Record<string, Collect> = {
    ...deploymentCollectors(sources, router),
    ...remainingCollectors(sources, max),
    fast_litellm_router_calls_total: safely((m) => {
      const r = sources().router?.();
      if (r === undefined) return;
      inc(m, { outcome: 'success' }, r.successes);
      inc(m, { outcome: 'failure' }, r.failures);
      inc(m, { outcome: 'retry' }, r.retries);
      inc(m, { outcome: 'fallback' }, r.fallbacks);
    }),
    fast_litellm_calls_total: safely((m) => {
      for (const c of sources().components?.() ?? []) {
        inc(m, { component: c.component, path: 'accelerated' }, c.accelerated);
        inc(m, { component: c.component, path: 'original' }, c.original);
      }
    }),
    fast_litellm_fallbacks_total: safely((m) => {
      for (const c of sources().components?.() ?? []) inc(m, { component: c.component }, c.fallbacks);
    }),
    fast_litellm_feature_enabled: safely((m) => {
      for (const f of sources().features?.() ?? []) set(m, { feature: f.feature }, f.enabled ? 1 : 0);
    }),
    fast_litellm_feature_auto_disabled: safely((m) => {
      for (const f of sources().features?.() ?? []) set(m, { feature: f.feature }, f.autoDisabled ? 1 : 0);
    }),
    fast_litellm_token_cache_hits_total: safely((m) => inc(m, {}, sources().tokenCache?.().hits ?? 0)),
    fast_litellm_token_cache_misses_total: safely((m) => inc(m, {}, sources().tokenCache?.().misses ?? 0)),
    fast_litellm_token_cache_bytes: safely((m) => set(m, {}, sources().tokenCache?.().bytes ?? 0)),
    fast_litellm_pool_sockets: safely((m) => {
      for (const p of sources().pools?.() ?? []) {
        const origin = origins.of(p.origin);
        set(m, { origin, state: 'open' }, p.open);
        set(m, { origin, state: 'idle' }, p.idle);
      }
    }),
    fast_litellm_pool_requests_total: safely((m) => {
      for (const p of sources().pools?.() ?? []) inc(m, { origin: origins.of(p.origin) }, p.requests);
    }),
    fast_litellm_pool_connects_total: safely((m) => {
      for (const p of sources().pools?.() ?? []) inc(m, { origin: origins.of(p.origin) }, p.connects);
    }),
  };
  return table[name];
}
