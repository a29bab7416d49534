import { callWithDeadline, type CallFn } from './attempt';
import { cooldownApplies, cooldownSeconds, shouldCooldown } from './cooldown';
import { ROUTER_DEFAULTS } from './defaults';
import { classify, ContextWindowExceededError, NoDeploymentsAvailableError, type ErrorInfo } from './errors';
import type { GroupRuntime } from './group';
import type { RouterState } from './state';
import { isAsyncIterable, trackStream, type StreamEnd } from './stream';
import { usesLimits } from './strategies';
import type { Target } from './deployments';
import type { Deployment, RouterSettings } from './types';

// One attempt of a routed call: pick a deployment of the group (the strategy, order levels,
// pre-call checks, this call's failed deployments left out), take its slot, call it under its
// deadline, and book the outcome: usage, latency sample, success/failure counts, cooldown.

export interface CallContext {
  kind: 'completion' | 'embedding';
  /** The request as the caller gave it, router controls removed. */
  params: Record<string, unknown>;
  stream: boolean;
  signal?: AbortSignal;
  /** Request-level overrides (seconds). */
  timeout?: number;
  streamTimeout?: number;
  cooldownTime?: number;
  /** Deployments that failed earlier in this call: a retry goes to a sibling when one is open. */
  failed: Set<string>;
  /** Prompt tokens, counted once when something needs them. */
  tokens?: number;
  /** Outcome for the caller. */
  retries: number;
  fallbacks: number;
  served?: Deployment;
  servedGroup?: string;
  lastOrder?: number;
}

export interface Env {
  settings: RouterSettings;
  state: RouterState;
  now: () => number;
  countTokens: (ctx: CallContext) => number;
  countText: (text: string) => number;
  call: (kind: CallContext['kind']) => CallFn;
  /** `until`: ms on the router's clock. */
  onCooldown: (d: Deployment, until: number) => void;
  /** A failure's error and its classification come along (the observer names its class and status). */
  onOutcome: (d: Deployment, ok: boolean, err?: unknown, e?: ErrorInfo) => void;
}

function tokensOf(env: Env, ctx: CallContext): number {
  ctx.tokens ??= env.countTokens(ctx);
  return ctx.tokens;
}

function needsTokens(g: GroupRuntime, env: Env): boolean {
  const s = env.settings;
  if (s.routing_strategy === 'usage-based-routing-v2') return true;
  return (usesLimits(s) && g.hasTpm) || (s.enable_pre_call_checks && g.hasMaxInput);
}

export function noDeployments(g: GroupRuntime, env: Env, model: string): NoDeploymentsAvailableError {
  const now = env.now();
  let remaining = Infinity;
  const cooled: string[] = [];
  for (let pos = 0; pos < g.n; pos++) {
    if (!g.isCooled(pos)) continue;
    cooled.push(g.deployments[pos].id);
    remaining = Math.min(remaining, (g.cooldownUntil[pos] - now) / 1000);
  }
  const secs = Number.isFinite(remaining) ? Math.max(0.1, Math.ceil(remaining * 10) / 10) : env.settings.cooldown_time;
  return new NoDeploymentsAvailableError(model, secs, [...new Set(cooled)], env.settings.enable_pre_call_checks,
    cooled.length === g.n);
}

/** The position to call, or throws (no deployment open; no context window large enough). */
export function choose(g: GroupRuntime, target: Target, env: Env, ctx: CallContext, minOrder?: number,
  avoid?: ReadonlySet<number>): number {
  if (target.pinned) {
    // LiteLLM: a call naming a deployment id goes to it, cooldown or not.
    return g.positionsOf(target.pinned.id)[0];
  }
  const s = env.settings;
  const tokens = needsTokens(g, env) ? tokensOf(env, ctx) : 0;
  const limits = usesLimits(s) && g.hasTpm;
  const windows = s.enable_pre_call_checks && g.hasMaxInput;
  if (!limits && !windows && ctx.failed.size === 0 && avoid === undefined) {
    // Nothing to test per call: the strategy's own pick.
    const pos = g.pick({ stream: ctx.stream, minOrder });
    if (pos >= 0) return pos;
    throw noDeployments(g, env, target.group);
  }
  let tooLong = 0;
  let failedSkipped = 0;
  const accept = (pos: number, avoidFailed: boolean): boolean => {
    if (avoid?.has(pos)) return false;
    const d = g.deployments[pos];
    if (windows && d.maxInputTokens !== undefined && tokens > d.maxInputTokens) {
      tooLong++;
      return false;
    }
    if (limits && d.tpm !== undefined && g.tpm[pos] + tokens > d.tpm) return false;
    if (avoidFailed && ctx.failed.has(d.id)) {
      failedSkipped++;
      return false;
    }
    return true;
  };
  let pos = g.pick({ stream: ctx.stream, minOrder, accept: (p) => accept(p, ctx.failed.size > 0) });
  if (pos < 0 && failedSkipped > 0) pos = g.pick({ stream: ctx.stream, minOrder, accept: (p) => accept(p, false) });
  if (pos >= 0) return pos;
  if (tooLong > 0) throw new ContextWindowExceededError(target.group, tokens);
  throw noDeployments(g, env, target.group);
}

function timeoutFor(d: Deployment, env: Env, ctx: CallContext): number | undefined {
  const s = env.settings;
  if (ctx.stream) {
    const st = ctx.streamTimeout ?? d.streamTimeout ?? s.stream_timeout;
    if (st !== undefined) return st;
  }
  return ctx.timeout ?? d.timeout ?? s.timeout;
}

/** The provider model for a deployment: a `*` in it takes the part of the name a pattern matched. */
function modelFor(d: Deployment, target: Target): string {
  return target.wildcard !== undefined && d.model.includes('*') ? d.model.replace('*', target.wildcard) : d.model;
}

interface Booking {
  usage: boolean;
  tokens: number;
  busy: boolean;
  started: number;
}

function onFailure(g: GroupRuntime, pos: number, b: Booking, err: unknown, env: Env, ctx: CallContext): void {
  const now = env.now();
  const d = g.deployments[pos];
  const e = classify(err);
  g.addInflight(pos, -1);
  const penalty = e.kind === 'timeout' && env.settings.routing_strategy === 'latency-based-routing';
  env.state.release(g, pos, { usage: b.usage, tokens: -b.tokens, busy: b.busy,
    ...(penalty ? { latency: ROUTER_DEFAULTS.timeoutPenalty } : {}) }, now);
  const counts = g.countOutcome(pos, false, now);
  env.onOutcome(d, false, err, e);
  ctx.failed.add(d.id);
  const seconds = ctx.cooldownTime ?? cooldownSeconds(d, e, env.settings);
  if (!cooldownApplies(d, e, seconds, env.settings)) return;
  const recent = g.recentFails(pos, now, env.settings.cooldown_time);
  const facts = { e, groupSize: g.n, successes: counts.successes, fails: counts.fails, recentFails: recent };
  if (shouldCooldown(facts, env.settings)) {
    env.state.cool(g, pos, seconds, e.status, now);
    env.onCooldown(d, now + seconds * 1000);
  }
}

function onSuccess(g: GroupRuntime, pos: number, b: Booking, env: Env, ctx: CallContext,
  usage: StreamEnd['usage'] | undefined, firstChunkMs: number | undefined, text: string | undefined): void {
  const now = env.now();
  const d = g.deployments[pos];
  g.addInflight(pos, -1);
  let completion = usage?.completion_tokens;
  if (completion === undefined && text !== undefined && text !== '') completion = env.countText(text);
  let tokens = 0;
  if (b.usage) {
    const total = usage?.total_tokens ?? b.tokens + (completion ?? 0);
    tokens = total - b.tokens;
  }
  let latency: number | undefined;
  let ttft: number | undefined;
  if (env.settings.routing_strategy === 'latency-based-routing') {
    // LiteLLM's sample: seconds per completion token when the answer says how many.
    const per = completion !== undefined && completion > 0 ? completion : 1;
    latency = (now - b.started) / 1000 / per;
    if (ctx.stream && firstChunkMs !== undefined) ttft = firstChunkMs / 1000 / per;
  }
  env.state.release(g, pos, { usage: b.usage, tokens, busy: b.busy, latency, ttft }, now);
  g.countOutcome(pos, true, now);
  env.onOutcome(d, true);
}

/** Candidates sent to Redis at once when its answer decides: most calls then take one round trip. */
const CANDIDATES = 4;

/** Takes a slot on the chosen deployment; refused (over its limits by the shared truth): picks again. */
async function reserve(g: GroupRuntime, target: Target, env: Env, ctx: CallContext, minOrder?: number):
  Promise<{ pos: number; booking: Booking }> {
  const s = env.settings;
  const limited = usesLimits(s) && !target.pinned && g.hasLimits;
  const usage = s.routing_strategy === 'usage-based-routing-v2' || limited;
  const tokens = usage ? tokensOf(env, ctx) : 0;
  const busy = s.routing_strategy === 'least-busy';
  const shared = env.state.kind !== 'memory' && (limited || busy);
  for (let round = 0; round <= g.n; round++) {
    const cands = [choose(g, target, env, ctx, minOrder)];
    if (shared) {
      const avoid = new Set(cands);
      for (let k = 1; k < CANDIDATES; k++) {
        let pos: number;
        try {
          pos = choose(g, target, env, ctx, minOrder, avoid);
        } catch {
          break;
        }
        cands.push(pos);
        avoid.add(pos);
      }
    }
    const started = env.now();
    const r = env.state.reserve(g, cands, { usage, tokens, busy, limits: limited }, started);
    const at = typeof r === 'number' ? r : await r;
    if (at >= 0) {
      const pos = cands[at];
      g.addInflight(pos, 1);
      return { pos, booking: { usage, tokens, busy, started } };
    }
  }
  throw noDeployments(g, env, target.group);
}

/** One attempt on the group: the answer, or the deployment's error (after it is booked). */
export async function attempt(g: GroupRuntime, target: Target, env: Env, ctx: CallContext,
  minOrder?: number): Promise<unknown> {
  const { pos, booking } = await reserve(g, target, env, ctx, minOrder);
  const d = g.deployments[pos];
  ctx.lastOrder = g.orderOf(pos);
  const params = { ...ctx.params, model: modelFor(d, target) };
  let result: unknown;
  try {
    result = await callWithDeadline(env.call(ctx.kind), d, params, timeoutFor(d, env, ctx), ctx.signal);
  } catch (err) {
    onFailure(g, pos, booking, err, env, ctx);
    throw err;
  }
  ctx.served = d;
  ctx.servedGroup = g.name;
  if (ctx.stream && isAsyncIterable(result)) {
    const collect = booking.usage || env.settings.routing_strategy === 'latency-based-routing';
    return trackStream(result, booking.started, env.now, collect, (end) => {
      if (end.error !== undefined) onFailure(g, pos, booking, end.error, env, ctx);
      else onSuccess(g, pos, booking, env, ctx, end.usage, end.firstChunkMs, end.text);
    });
  }
  const usage = (result as { usage?: StreamEnd['usage'] } | null)?.usage;
  onSuccess(g, pos, booking, env, ctx, usage ?? undefined, undefined, undefined);
  return result;
}
