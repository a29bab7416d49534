// LiteLLM's deployment selection, ported line for line from its Python (MIT, github BerriAI/litellm:
// router_strategy/simple_shuffle.py, least_busy.py, lowest_latency.py, lowest_tpm_rpm_v2.py,
// lowest_cost.py, and the cooldown filter of router.py _async_get_healthy_deployments), as the
// baseline of the router's pick benchmark. Same data shapes (deployment dicts, the cache's dicts),
// same loops; only Python's random module is a function argument, so both sides draw alike.
// Token counting is left out of both sides (each counts once per call, outside the pick).

export interface Dep {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: { id: string } & Record<string, unknown>;
  rpm?: number;
  tpm?: number;
}

/** router.py: healthy = all deployments of the group minus the cooldown list (a set since 2025). */
export function healthy(all: Dep[], cooldowns: string[]): Dep[] {
  const s = new Set(cooldowns);
  const out: Dep[] = [];
  for (const d of all) if (!s.has(d.model_info.id)) out.push(d);
  return out;
}

/** random.choices(range(n), weights)[0]: cumulative weights, then a bisect of random() * total. */
function choices(weights: number[], random: () => number): number {
  const cum: number[] = [];
  let t = 0;
  for (const w of weights) cum.push((t += w));
  const x = random() * t;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < cum[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** simple_shuffle.py (current: the first field any deployment sets, weights normalised to the largest). */
export function simpleShuffle(h: Dep[], random: () => number): Dep {
  for (const field of ['weight', 'rpm', 'tpm']) {
    const w = h.map((m) => Number(m.litellm_params[field] ?? 0));
    const largest = Math.max(0, ...w);
    if (largest <= 0) continue;
    const norm = w.map((x) => x / largest);
    if (norm.reduce((a, b) => a + b, 0) <= 0) continue;
    return h[choices(norm, random)];
  }
  return h[Math.floor(random() * h.length)];
}

/** least_busy.py _get_available_deployments. */
export function leastBusy(h: Dep[], all: Record<string, number>, random: () => number): Dep {
  for (const d of h) if (!(d.model_info.id in all)) all[d.model_info.id] = 0;
  let minTraffic = Infinity;
  let minDeployment: string | undefined;
  for (const [k, v] of Object.entries(all)) {
    if (v < minTraffic) {
      minTraffic = v;
      minDeployment = k;
    }
  }
  if (minDeployment !== undefined) {
    for (const m of h) if (m.model_info.id === minDeployment) return m;
  }
  return h[Math.floor(random() * h.length)];
}

type LatencyMap = Record<string, { latency?: number[]; time_to_first_token?: number[] } & Record<string, unknown>>;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** lowest_latency.py _get_available_deployments (non-streaming path). */
export function lowestLatency(h: Dep[], dict: LatencyMap, minute: string, inputTokens: number, buffer: number,
  random: () => number): Dep | undefined {
  const all = dict;
  for (const d of h) {
    if (!(d.model_info.id in all)) all[d.model_info.id] = { latency: [0], [minute]: { tpm: 0, rpm: 0 } };
  }
  // random.sample(list(_items), len(_items)): a shuffled copy.
  const items = Object.entries(all);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  const potential: [Dep, number][] = [];
  for (const [item, map] of items) {
    let dep: Dep | undefined;
    for (const m of h) if (item === m.model_info.id) dep = m;
    if (dep === undefined) continue;
    const tpm = num(dep.tpm) ?? num(dep.litellm_params.tpm) ?? num(dep.model_info.tpm) ?? Infinity;
    const rpm = num(dep.rpm) ?? num(dep.litellm_params.rpm) ?? num(dep.model_info.rpm) ?? Infinity;
    const lat = map.latency ?? [];
    const usage = (map[minute] ?? {}) as { rpm?: number; tpm?: number };
    let total = 0;
    for (const c of lat) if (!Number.isInteger(c)) total += c;
    const itemLatency = total / lat.length;
    if ((usage.tpm ?? 0) + inputTokens > tpm || (usage.rpm ?? 0) + 1 > rpm) continue;
    potential.push([dep, itemLatency]);
  }
  if (potential.length === 0) return undefined;
  const sorted = potential.sort((a, b) => a[1] - b[1]);
  const lowest = sorted[0][1];
  const valid = sorted.filter((x) => x[1] <= lowest + buffer * lowest);
  return valid[Math.floor(random() * valid.length)][0];
}

/** lowest_tpm_rpm_v2.py _common_checks_available_deployment (`{id}:tpm:{minute}` keys; its rpm lookup kept). */
export function lowestTpm(h: Dep[], tpmKeys: string[], tpmValues: (number | null)[], rpmKeys: string[],
  rpmValues: (number | null)[], minute: string, inputTokens: number, random: () => number): Dep | undefined {
  const tpmDict: Record<string, number | null> = {};
  tpmKeys.forEach((k, i) => (tpmDict[k] = tpmValues[i]));
  const rpmDict: Record<string, number | null> = {};
  rpmKeys.forEach((k, i) => (rpmDict[k] = rpmValues[i]));
  for (const d of h) {
    const k = `${d.model_info.id}:tpm:${minute}`;
    if (!(k in tpmDict) || tpmDict[k] === null) tpmDict[k] = 0;
  }
  let lowest = Infinity;
  let potential: Dep[] = [];
  for (const [key, itemTpm] of Object.entries(tpmDict)) {
    let dep: Dep | undefined;
    const item = key.split(':')[0];
    for (const m of h) if (item === m.model_info.id) dep = m;
    if (dep === undefined || itemTpm === null) continue;
    const tpm = num(dep.tpm) ?? num(dep.litellm_params.tpm) ?? num(dep.model_info.tpm) ?? Infinity;
    const rpm = num(dep.rpm) ?? num(dep.litellm_params.rpm) ?? num(dep.model_info.rpm) ?? Infinity;
    if (itemTpm + inputTokens > tpm) continue;
    if (item in rpmDict && (rpmDict[item] ?? 0) + 1 >= rpm) continue;
    if (itemTpm === lowest) potential.push(dep);
    else if (itemTpm < lowest) {
      lowest = itemTpm;
      potential = [dep];
    }
  }
  return potential.length > 0 ? potential[Math.floor(random() * potential.length)] : undefined;
}

/** lowest_cost.py async_get_available_deployments (costs from litellm_params; LiteLLM's 5.0 default otherwise). */
export function lowestCost(h: Dep[], dict: Record<string, Record<string, { tpm: number; rpm: number }>>, minute: string,
  inputTokens: number): Dep | undefined {
  const all = dict;
  for (const d of h) if (!(d.model_info.id in all)) all[d.model_info.id] = { [minute]: { tpm: 0, rpm: 0 } };
  const potential: [Dep, number][] = [];
  for (const [item, map] of Object.entries(all)) {
    let dep: Dep | undefined;
    for (const m of h) if (item === m.model_info.id) dep = m;
    if (dep === undefined) continue;
    const tpm = num(dep.tpm) ?? num(dep.litellm_params.tpm) ?? num(dep.model_info.tpm) ?? Infinity;
    const rpm = num(dep.rpm) ?? num(dep.litellm_params.rpm) ?? num(dep.model_info.rpm) ?? Infinity;
    const lp = dep.litellm_params;
    const cost = (num(lp.input_cost_per_token) ?? 5) + (num(lp.output_cost_per_token) ?? 5);
    const usage = map[minute] ?? { tpm: 0, rpm: 0 };
    if (usage.tpm + inputTokens > tpm || usage.rpm + 1 > rpm) continue;
    potential.push([dep, cost]);
  }
  if (potential.length === 0) return undefined;
  return potential.sort((a, b) => a[1] - b[1])[0][0];
}
