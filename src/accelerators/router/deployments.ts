import { deploymentId } from './deployment-id';
import type { Deployment, DeploymentConfig, RouterSettings } from './types';

// Deployments by group, id and pattern, and how a requested model name resolves to them
// (LiteLLM's _common_checks_available_deployment, in its order).

function numberOf(...vs: unknown[]): number | undefined {
  for (const v of vs) {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

/** A deployment from its config entry: LiteLLM's id when model_info.id is absent, top-level rpm/tpm hoisted. */
export function toDeployment(c: DeploymentConfig): Deployment {
  const lp = c.litellm_params;
  const info: Record<string, unknown> = { ...(c.model_info ?? {}) };
  const id = info.id === undefined || info.id === null ? deploymentId(c.model_name, lp) : String(info.id);
  info.id = id;
  const d: Deployment = {
    id,
    modelName: c.model_name,
    model: lp.model,
    litellmParams: Object.freeze({ ...lp }),
    modelInfo: Object.freeze(info),
    // LiteLLM reads rpm/tpm from the deployment, then litellm_params, then model_info.
    rpm: numberOf(c.rpm, lp.rpm, info.rpm),
    tpm: numberOf(c.tpm, lp.tpm, info.tpm),
    shuffleRpm: numberOf(lp.rpm, c.rpm),
    shuffleTpm: numberOf(lp.tpm, c.tpm),
    weight: numberOf(lp.weight),
    order: numberOf(lp.order, info.order),
    maxParallelRequests: numberOf(lp.max_parallel_requests),
    timeout: numberOf(lp.timeout, lp.request_timeout),
    streamTimeout: numberOf(lp.stream_timeout),
    cooldownTime: numberOf(info.cooldown_time, lp.cooldown_time),
    inputCostPerToken: numberOf(lp.input_cost_per_token, info.input_cost_per_token),
    outputCostPerToken: numberOf(lp.output_cost_per_token, info.output_cost_per_token),
    maxInputTokens: numberOf(info.max_input_tokens, lp.max_input_tokens),
    numRetries: numberOf(lp.num_retries),
    wildcard: c.model_name.includes('*'),
  };
  return Object.freeze(d);
}

export interface Target {
  /** The group the call routes in (a pattern's model_name for wildcard matches). */
  group: string;
  deployments: readonly Deployment[];
  /** Set when the name was a deployment id. */
  pinned?: Deployment;
  /** The part of the requested name a `*` matched (wildcard groups). */
  wildcard?: string;
  /** The requested name was an alias of `group`. */
  alias?: string;
}

interface Pattern {
  name: string;
  re: RegExp;
}

function patternOf(name: string): RegExp {
  const body = name.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('(.*)');
  return new RegExp(`^${body}$`);
}

export class DeploymentTable {
  readonly #groups = new Map<string, Deployment[]>();
  readonly #byId = new Map<string, Deployment[]>();
  #patterns: Pattern[] = [];
  #aliases: RouterSettings['model_group_alias'];
  #list: Deployment[] = [];

  constructor(configs: readonly DeploymentConfig[], aliases: RouterSettings['model_group_alias']) {
    this.#aliases = aliases;
    for (const c of configs) this.add(toDeployment(c));
  }

  get all(): readonly Deployment[] {
    return this.#list;
  }

  groupNames(): string[] {
    return [...this.#groups.keys()];
  }

  group(name: string): readonly Deployment[] | undefined {
    return this.#groups.get(name);
  }

  byId(id: string): Deployment | undefined {
    return this.#byId.get(id)?.[0];
  }

  add(d: Deployment): void {
    this.#list.push(d);
    // A new array: a group's runtime is rebuilt when its list is another one.
    this.#groups.set(d.modelName, [...(this.#groups.get(d.modelName) ?? []), d]);
    const same = this.#byId.get(d.id);
    if (same) same.push(d);
    else this.#byId.set(d.id, [d]);
    if (d.wildcard && !this.#patterns.some((p) => p.name === d.modelName)) {
      this.#patterns.push({ name: d.modelName, re: patternOf(d.modelName) });
      // LiteLLM matches the most specific pattern first (the longest literal part).
      this.#patterns.sort((a, b) => b.name.replace(/\*/g, '').length - a.name.replace(/\*/g, '').length);
    }
  }

  /** Removes every deployment with this id; returns the first, or undefined when none had it. */
  delete(id: string): Deployment | undefined {
    const gone = this.#byId.get(id);
    if (!gone) return undefined;
    this.#byId.delete(id);
    this.#list = this.#list.filter((d) => d.id !== id);
    for (const d of gone) {
      const rest = (this.#groups.get(d.modelName) ?? []).filter((x) => x.id !== id);
      if (rest.length > 0) this.#groups.set(d.modelName, rest);
      else {
        this.#groups.delete(d.modelName);
        this.#patterns = this.#patterns.filter((p) => p.name !== d.modelName);
      }
    }
    return gone[0];
  }

  aliasOf(name: string): string | undefined {
    return Object.hasOwn(this.#aliases, name) ? this.#aliases[name].model : undefined;
  }

  hiddenAlias(name: string): boolean {
    return Object.hasOwn(this.#aliases, name) && this.#aliases[name].hidden;
  }

  aliases(): string[] {
    return Object.keys(this.#aliases);
  }

  /**
   * What a requested model name routes to: a deployment id, an alias, a group, a `provider/*`
   * pattern, and, with `byProviderModel`, deployments whose litellm_params.model is the name.
   */
  resolve(name: string, byProviderModel = false): Target | undefined {
    if (!this.#groups.has(name)) {
      const pinned = this.byId(name);
      if (pinned) return { group: pinned.modelName, deployments: this.#groups.get(pinned.modelName)!, pinned };
    }
    const alias = this.aliasOf(name);
    const groupName = alias ?? name;
    const g = this.#groups.get(groupName);
    if (g) return { group: groupName, deployments: g, ...(alias !== undefined ? { alias: name } : {}) };
    for (const p of this.#patterns) {
      const m = p.re.exec(groupName);
      if (m) return { group: p.name, deployments: this.#groups.get(p.name)!, wildcard: m[1] ?? '' };
    }
    if (byProviderModel) {
      const same = this.#list.filter((d) => d.model === name);
      if (same.length > 0) return { group: same[0].modelName, deployments: same };
    }
    return undefined;
  }
}
