import { CallerAbort, sleep, type CallFn } from './attempt';
import { attempt, choose, type CallContext, type Env } from './calls';
import { DeploymentTable, toDeployment, type Target } from './deployments';
import { classify, NoDeploymentsAvailableError } from './errors';
import { fallbacksAfter, listsFor, type FallbackLists } from './fallback';
import { GroupRuntime } from './group';
import { hiddenParams, maskedEntry, splitControls, type Controls, type HiddenParams } from './request';
import { policyRetries, retryDelay, shouldRetry } from './retry';
import { errorClassOf, NO_OBSERVER, type RouterObserver } from './observer';
import { MemoryState, type RouterState } from './state';
import type { Deployment, DeploymentConfig, RouterConfig, RouterSettings } from './types';

// The router: resolves a model name to a group, retries within the group (num_retries, with
// LiteLLM's backoff and an instant retry on a healthy sibling), falls back to other groups
// (fallbacks, context_window_fallbacks, content_policy_fallbacks, `*`, max_fallbacks), and tells
// the caller what served it. It knows nothing about litellm: `calls` does the calling.

export interface RouterCoreOptions {
  config: RouterConfig;
  calls: { completion?: CallFn; embedding?: CallFn };
  state?: RouterState;
  random?: () => number;
  now?: () => number;
  /** Prompt tokens of a request (messages, or input for embeddings). */
  countTokens?: (request: { messages?: unknown; input?: unknown }) => number;
  countText?: (text: string) => number;
  /** Told each deployment outcome, cooldown and fallback as the router decides them (default: nobody). */
  observer?: RouterObserver;
}

export interface RouterStats {
  calls: number;
  successes: number;
  failures: number;
  retries: number;
  fallbacks: number;
  cooldowns: number;
  /** Per deployment id (never a key or a prompt). */
  deployments: Record<string, { calls: number; failures: number; cooldowns: number }>;
}

interface Hop {
  name: string;
  minOrder?: number;
}

function roughTokens(v: unknown): number {
  return Math.ceil((JSON.stringify(v) ?? '').length / 4);
}

export class RouterCore {
  readonly settings: RouterSettings;
  readonly #table: DeploymentTable;
  readonly #groups = new Map<string, GroupRuntime>();
  readonly #state: RouterState;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #env: Env;
  readonly #stats: RouterStats = {
    calls: 0, successes: 0, failures: 0, retries: 0, fallbacks: 0, cooldowns: 0, deployments: {},
  };
  #observer: RouterObserver;

  constructor(o: RouterCoreOptions) {
    this.settings = o.config.settings;
    this.#table = new DeploymentTable(o.config.modelList, this.settings.model_group_alias);
    this.#state = o.state ?? new MemoryState();
    this.#random = o.random ?? Math.random;
    this.#now = o.now ?? Date.now;
    this.#observer = o.observer ?? NO_OBSERVER;
    const count = o.countTokens ?? ((r: { messages?: unknown; input?: unknown }) => roughTokens(r.messages ?? r.input));
    const countText = o.countText ?? ((t: string) => Math.ceil(t.length / 4));
    const calls = o.calls;
    this.#env = {
      settings: this.settings,
      state: this.#state,
      now: this.#now,
      countTokens: (ctx) => {
        try {
          return count(ctx.kind === 'embedding' ? { input: ctx.params.input } : { messages: ctx.params.messages });
        } catch {
          return roughTokens(ctx.params.messages ?? ctx.params.input);
        }
      },
      countText: (t) => {
        try {
          return countText(t);
        } catch {
          return Math.ceil(t.length / 4);
        }
      },
      call: (kind) => {
        const fn = calls[kind];
        if (fn === undefined) throw new TypeError(`router: no ${kind} function to call deployments with`);
        return fn;
      },
      onCooldown: (d, until) => {
        this.#stats.cooldowns++;
        this.#dstat(d).cooldowns++;
        this.#tell((o) => o.onCooldown?.(d, until));
      },
      onOutcome: (d, ok, err, e) => {
        this.#dstat(d).calls++;
        if (!ok) this.#dstat(d).failures++;
        this.#tell((o) => (ok ? o.onOutcome?.(d, 'success')
          : o.onOutcome?.(d, 'failure', errorClassOf(err), e?.status)));
      },
    };
  }

  /** Who is told the router's decisions (see RouterObserver); set to undefined for nobody. */
  get observer(): RouterObserver | undefined {
    return this.#observer === NO_OBSERVER ? undefined : this.#observer;
  }

  set observer(o: RouterObserver | undefined) {
    this.#observer = o ?? NO_OBSERVER;
  }

  #tell(f: (o: RouterObserver) => void): void {
    const o = this.#observer;
    if (o === NO_OBSERVER) return;
    try {
      f(o);
    } catch {
      // an observer's failure is its own
    }
  }

  #dstat(d: Deployment): RouterStats['deployments'][string] {
    const s = this.#stats.deployments;
    return (s[d.id] ??= { calls: 0, failures: 0, cooldowns: 0 });
  }

  get state(): RouterState {
    return this.#state;
  }

  /** True when a model name routes here: a group, an alias, a deployment id or a `provider/*` pattern. */
  handles(model: unknown): boolean {
    return typeof model === 'string' && this.#table.resolve(model) !== undefined;
  }

  #group(name: string, deployments: readonly Deployment[]): GroupRuntime {
    const old = this.#groups.get(name);
    if (old !== undefined && old.deployments === deployments) return old;
    const g = new GroupRuntime(name, deployments, this.settings, this.#random, this.#now());
    if (old !== undefined) g.carryOver(old);
    this.#groups.set(name, g);
    return g;
  }

  #resolve(name: string): Target | undefined {
    return this.#table.resolve(name, true);
  }

  async route(kind: CallContext['kind'], request: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const { params, controls } = splitControls(request);
    const model = String(params.model);
    const ctx: CallContext = {
      kind, params, stream: params.stream === true, signal, failed: new Set(), retries: 0, fallbacks: 0,
      timeout: controls.timeout, streamTimeout: controls.stream_timeout, cooldownTime: controls.cooldown_time,
    };
    this.#stats.calls++;
    const lists = listsFor(this.settings, controls);
    try {
      const result = await this.#withFallbacks({ name: model }, ctx, controls, lists, new Set([model]), 0);
      this.#stats.successes++;
      return this.#answer(result, ctx, model, controls);
    } catch (err) {
      this.#stats.failures++;
      if (err instanceof CallerAbort) throw err.reason;
      throw err;
    }
  }

  #answer(result: unknown, ctx: CallContext, model: string, controls: Controls): unknown {
    if (result !== null && typeof result === 'object' && ctx.served !== undefined) {
      const hp: HiddenParams = hiddenParams(ctx.served, ctx.servedGroup ?? model, ctx.retries,
        controls.num_retries ?? this.settings.num_retries, ctx.fallbacks);
      try {
        Object.defineProperty(result, '_hidden_params',
          { value: hp, enumerable: false, configurable: true, writable: true });
      } catch {
        // a frozen answer keeps its shape
      }
    }
    return result;
  }

  async #withFallbacks(hop: Hop, ctx: CallContext, controls: Controls, lists: FallbackLists, tried: Set<string>,
    depth: number): Promise<unknown> {
    try {
      return await this.#withRetries(hop, ctx, controls);
    } catch (err) {
      if (err instanceof CallerAbort || controls.disable_fallbacks === true) throw err;
      const e = classify(err);
      const target = this.#resolve(hop.name);
      const chain: Hop[] = [];
      if (target && !target.pinned && e.kind !== 'context_window' && e.kind !== 'content_policy') {
        // LiteLLM's order fallback: the group's next `order` levels before other groups.
        const g = this.#group(target.group, target.deployments);
        const orders = [...new Set(target.deployments.map((d) => d.order ?? 0))].sort((a, b) => a - b);
        for (const o of orders) {
          const next = ctx.lastOrder !== undefined && o > ctx.lastOrder && g.levels > 1;
          if (next) chain.push({ name: hop.name, minOrder: o });
        }
      }
      const group = target?.group ?? hop.name;
      for (const name of fallbacksAfter(e, group, lists)) chain.push({ name });
      const max = controls.max_fallbacks ?? this.settings.max_fallbacks;
      let d = depth;
      for (const next of chain) {
        if (d >= max) break;
        const key = `${next.name}\u0000${next.minOrder ?? ''}`;
        if (next.minOrder === undefined && (next.name === group || tried.has(next.name))) continue;
        if (tried.has(key)) continue;
        tried.add(key);
        tried.add(next.name);
        d++;
        ctx.fallbacks = d;
        this.#stats.fallbacks++;
        let answer: unknown;
        try {
          answer = await this.#withFallbacks(next, ctx, controls, lists, tried, d);
        } catch (e2) {
          if (e2 instanceof CallerAbort) throw e2;
          this.#tell((o) => o.onFallback?.(String(ctx.params.model), next.name, false));
          continue;
        }
        this.#tell((o) => o.onFallback?.(String(ctx.params.model), next.name, true));
        return answer;
      }
      // LiteLLM raises the first group's error when its fallbacks fail too.
      throw err;
    }
  }

  async #withRetries(hop: Hop, ctx: CallContext, controls: Controls): Promise<unknown> {
    const target = this.#resolve(hop.name);
    if (target === undefined) throw this.#unknown(hop.name);
    const g = this.#group(target.group, target.deployments);
    const once = (): Promise<unknown> => {
      const now = this.#now();
      g.advance(now);
      this.#state.sync(g, now);
      return attempt(g, target, this.#env, ctx, hop.minOrder);
    };
    try {
      return await once();
    } catch (first) {
      if (first instanceof CallerAbort) throw first;
      let num = controls.num_retries ?? ctx.served?.numRetries ?? this.settings.num_retries;
      const e = classify(first);
      const pinned = target.pinned;
      const counts = (): { healthy: number; all: number } => (pinned
        ? { healthy: g.isCooled(g.positionsOf(pinned.id)[0]) ? 0 : 1, all: 1 }
        : { healthy: g.healthy(), all: g.n });
      const facts = (info: ReturnType<typeof classify>) => ({
        e: info, ...counts(), hasContextWindowFallbacks: this.#lists(controls).context_window_fallbacks.length > 0,
        hasContentPolicyFallbacks: this.#lists(controls).content_policy_fallbacks.length > 0,
        hasFallbacks: this.#lists(controls).fallbacks.length > 0,
      });
      const policy = controls.num_retries === 0 ? undefined : policyRetries(e, target.group, this.settings);
      if (policy !== undefined) num = policy;
      else if (!shouldRetry(facts(e))) throw first;
      if (num <= 0) throw first;
      let c = counts();
      await sleep(retryDelay(e, num, num, c.healthy, c.all, this.settings, this.#random) * 1000, ctx.signal);
      let last: unknown = first;
      for (let a = 0; a < num; a++) {
        ctx.retries++;
        this.#stats.retries++;
        try {
          return await once();
        } catch (err) {
          if (err instanceof CallerAbort) throw err;
          last = err;
          if (policy === undefined && !shouldRetry(facts(classify(err)))) throw err;
          if (a < num - 1) {
            c = counts();
            const s = retryDelay(e, num - a - 1, num, c.healthy, c.all, this.settings, this.#random);
            await sleep(s * 1000, ctx.signal);
          }
        }
      }
      throw last;
    }
  }

  #lists(controls: Controls): FallbackLists {
    return listsFor(this.settings, controls);
  }

  #unknown(model: string): Error {
    const s = this.settings;
    const err = new NoDeploymentsAvailableError(model, s.cooldown_time, [], s.enable_pre_call_checks, false);
    Object.assign(err, { status: 400, statusCode: 400 });
    err.message = `You passed in model=${model}. There are no healthy deployments for this model`;
    return err;
  }

  /** The deployment a call would go to now (no slot taken); LiteLLM's get_available_deployment. */
  pick(model: string, request: { messages?: unknown; input?: unknown; stream?: boolean } = {}): Deployment {
    const target = this.#resolve(model);
    if (target === undefined) throw this.#unknown(model);
    const g = this.#group(target.group, target.deployments);
    const now = this.#now();
    g.advance(now);
    this.#state.sync(g, now);
    const ctx: CallContext = {
      kind: request.input !== undefined ? 'embedding' : 'completion', params: { ...request, model },
      stream: request.stream === true, failed: new Set(), retries: 0, fallbacks: 0,
    };
    return g.deployments[choose(g, target, this.#env, ctx)];
  }

  modelList(): Record<string, unknown>[] {
    return this.#table.all.map(maskedEntry);
  }

  groupNames(): string[] {
    return this.#table.groupNames();
  }

  deployment(id: string): Deployment | undefined {
    return this.#table.byId(id);
  }

  addDeployment(c: DeploymentConfig): Deployment | undefined {
    const d = toDeployment(c);
    if (this.#table.byId(d.id) !== undefined) return undefined;
    this.#table.add(d);
    return d;
  }

  deleteDeployment(id: string): Deployment | undefined {
    return this.#table.delete(id);
  }

  /** Group runtime for tests and benchmarks (built on first use). */
  groupRuntime(name: string): GroupRuntime | undefined {
    const target = this.#resolve(name);
    return target === undefined ? undefined : this.#group(target.group, target.deployments);
  }

  stats(): RouterStats {
    return structuredClone(this.#stats);
  }

  close(): Promise<void> {
    return this.#state.close();
  }
}
