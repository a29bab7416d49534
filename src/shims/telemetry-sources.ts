import { lastScopeResults } from '../accelerators/ratelimit';
import type { Deployment, RouterObserver } from '../accelerators/router';
import { getTokenCacheStats } from '../accelerators/tokens';
import { getConfig } from '../config';
import {
  routerCooldown, routerFallback, routerOutcome, type DeploymentRef, type DeploymentSnapshot, type RouterSnapshot,
  type ScrapeSources,
} from '../telemetry';
import { safeBaseOf } from './telemetry-describe';
import { getFeatureStatus } from './features';
import { getPoolStats } from './pooling';
import { processRouter, processRouterStats } from './router';
import { getPerformanceStats } from '../stats/report';

// What the Prometheus scrape reads besides the calls: the guard's counts per patched component, the
// features, the token memo, the pools, the rate limits' last checks, and the process router (only once a
// routed call has built it); and the process router's observer (its decisions as they happen).

const PROVIDER_PREFIX = /^([a-z0-9_-]+)\//;

/** LiteLLM's api_provider of a litellm model name ('mistral/x' -> 'mistral'; 'gpt-4o' -> 'openai'). */
export function apiProviderOf(model: string): string {
  const m = PROVIDER_PREFIX.exec(model);
  if (m) return m[1];
  if (model.startsWith('claude-')) return 'anthropic';
  if (model.startsWith('command')) return 'cohere';
  if (model.startsWith('j2-')) return 'ai21';
  return 'openai';
}

/** A deployment as the metrics label it, made once per deployment object. */
const refs = new WeakMap<Deployment, DeploymentRef>();

function refOf(d: Deployment): DeploymentRef {
  let r = refs.get(d);
  if (r === undefined) {
    r = { id: d.id, group: d.modelName, model: d.model, apiBase: safeBaseOf(d.litellmParams.api_base),
      provider: apiProviderOf(d.model) };
    refs.set(d, r);
  }
  return r;
}

const observer: RouterObserver = {
  onOutcome: (d, outcome, errorClass, status) => routerOutcome(refOf(d), outcome === 'success', errorClass, status),
  onCooldown: (d, until) => routerCooldown(refOf(d), until),
  onFallback: (from, to, ok) => routerFallback(from, to, ok),
};

/**
 * Tells the process router to report its decisions here. Called where a routed call shows (its first
 * attempt, its answer) and at each scrape: the router exists by then, and is built by nothing here.
 */
export function watchProcessRouter(): void {
  const litellm = getConfig().litellm;
  if (litellm === watched) return;
  let core;
  try {
    core = processRouter();
  } catch {
    return; // the router row names the problem
  }
  watched = litellm;
  if (core !== undefined && core.observer === undefined) core.observer = observer;
}

/** The config section the process router was last watched for (it is rebuilt when that changes). */
let watched: unknown;

function routerSnapshot(): RouterSnapshot | undefined {
  const stats = processRouterStats();
  if (stats === undefined) return undefined;
  const core = processRouter();
  if (core === undefined) return undefined;
  if (core.observer === undefined) core.observer = observer;
  const deployments: DeploymentSnapshot[] = [];
  for (const name of core.groupNames()) {
    const g = core.groupRuntime(name);
    if (g === undefined) continue;
    g.deployments.forEach((d, pos) => {
      const s = stats.deployments[d.id];
      deployments.push({
        id: d.id, group: d.modelName, model: d.model, apiBase: safeBaseOf(d.litellmParams.api_base),
        provider: apiProviderOf(d.model), cooled: g.isCooled(pos), calls: s?.calls ?? 0,
        failures: s?.failures ?? 0, cooldowns: s?.cooldowns ?? 0, rpm: d.rpm, tpm: d.tpm,
      });
    });
  }
  return { successes: stats.successes, failures: stats.failures, retries: stats.retries,
    fallbacks: stats.fallbacks, deployments };
}

export const scrapeSources: ScrapeSources = {
  components: () => Object.values(getPerformanceStats()).map((c) => ({
    component: c.component, accelerated: c.accelerated, original: c.original, fallbacks: c.fallbacks,
  })),
  features: () => Object.entries(getFeatureStatus()).map(([feature, s]) => ({
    feature, enabled: s.effective !== 'off', autoDisabled: s.autoDisabled,
  })),
  tokenCache: () => {
    const s = getTokenCacheStats();
    return { hits: s.hits, misses: s.misses, bytes: s.bytes };
  },
  pools: () => getPoolStats().map((p) => ({
    origin: p.origin, open: p.open, idle: p.idle, requests: p.requests, connects: p.connects,
  })),
  router: routerSnapshot,
  rateLimits: lastScopeResults,
};
