import { getTokenCacheStats } from '../accelerators/tokens';
import type { DeploymentSnapshot, RouterSnapshot, ScrapeSources } from '../telemetry';
import { safeBaseOf } from './telemetry-describe';
import { getFeatureStatus } from './features';
import { getPoolStats } from './pooling';
import { processRouter, processRouterStats } from './router';
import { getPerformanceStats } from '../stats/report';

// What the Prometheus scrape reads besides the calls: the guard's counts per patched component, the
// features, the token memo, the pools, and the process router (only once a routed call has built it).

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

function routerSnapshot(): RouterSnapshot | undefined {
  const stats = processRouterStats();
  if (stats === undefined) return undefined;
  const core = processRouter();
  if (core === undefined) return undefined;
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
};
