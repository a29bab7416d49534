import type { BoundedValues } from './labels';
import { CounterFamily, addTo, type CounterCell } from './prom-series';
import type { DeploymentRef } from './types';

// The router's decisions as Prometheus counts (LiteLLM's deployment metrics): each deployment call's
// outcome (failures by exception status and class), each cooldown, each fallback group that failed too;
// and what litellm_deployment_state reads at scrape time (the last outcome, the cooldown's end).

const NAME = /^[A-Za-z_$][\w$]{0,63}$/;

/** LiteLLM's exception_status / exception_class of a failure (low-cardinality names only). */
function exception(errorClass: string | undefined, status: number | undefined): [string, string] {
  const s = status !== undefined && Number.isInteger(status) && status >= 100 && status < 600 ? String(status) : '';
  const type = errorClass !== undefined && NAME.test(errorClass) ? errorClass : s !== '' ? s : '_OTHER';
  return [s, type];
}

interface Cells {
  readonly labels: Record<string, string>;
  readonly callLabels: Record<string, string>;
  total?: CounterCell;
  success?: CounterCell;
  failures?: Map<string, CounterCell>;
  cooled?: CounterCell;
}

export interface RouterFamilies {
  total: CounterFamily;
  success: CounterFamily;
  failure: CounterFamily;
  cooled: CounterFamily;
  failedFallbacks: CounterFamily;
}

export class RouterMetrics {
  readonly #f: RouterFamilies;
  readonly #ids: BoundedValues;
  readonly #groups: BoundedValues;
  readonly #cells = new Map<string, Cells>();
  readonly #fallbacks = new Map<string, CounterCell>();
  /** Per deployment id: whether its last call failed, and when its last cooldown ends (router clock). */
  readonly #failed = new Map<string, boolean>();
  readonly #until = new Map<string, number>();
  readonly #max: number;

  constructor(f: RouterFamilies, ids: BoundedValues, groups: BoundedValues, max: number) {
    this.#f = f;
    this.#ids = ids;
    this.#groups = groups;
    this.#max = max;
  }

  #of(d: DeploymentRef): Cells {
    const key = `${d.id}\u0001${d.group}`;
    let c = this.#cells.get(key);
    if (c === undefined) {
      const labels = { litellm_model_name: d.model, model_id: this.#ids.of(d.id), api_base: d.apiBase,
        api_provider: d.provider };
      c = { labels, callLabels: { requested_model: this.#groups.of(d.group), ...labels } };
      // Deployments come from the config: bounded by it (and the label bounds).
      this.#cells.set(key, c);
    }
    return c;
  }

  #note(id: string, failed: boolean): void {
    if (this.#failed.size < this.#max || this.#failed.has(id)) this.#failed.set(id, failed);
  }

  outcome(d: DeploymentRef, ok: boolean, errorClass?: string, status?: number): void {
    const c = this.#of(d);
    const f = this.#f;
    addTo((c.total ??= f.total.cell(c.callLabels)), 1);
    this.#note(d.id, !ok);
    if (ok) {
      addTo((c.success ??= f.success.cell(c.callLabels)), 1);
      return;
    }
    const [s, type] = exception(errorClass, status);
    const byError = (c.failures ??= new Map());
    const k = `${s}\u0001${type}`;
    let cell = byError.get(k);
    if (cell === undefined) {
      byError.set(k, (cell = f.failure.cell({ ...c.callLabels, exception_status: s, exception_class: type })));
    }
    addTo(cell, 1);
  }

  cooldown(d: DeploymentRef, until: number): void {
    const c = this.#of(d);
    addTo((c.cooled ??= this.#f.cooled.cell(c.labels)), 1);
    if (this.#until.size < this.#max || this.#until.has(d.id)) this.#until.set(d.id, until);
  }

  fallback(from: string, to: string, ok: boolean): void {
    if (ok) return; // successful fallbacks are counted at the call's end, from what served it
    const requested = this.#groups.of(from);
    const fallback = this.#groups.of(to);
    const k = `${requested}\u0001${fallback}`;
    let cell = this.#fallbacks.get(k);
    if (cell === undefined) {
      this.#fallbacks.set(k, (cell = this.#f.failedFallbacks.cell({ requested_model: requested,
        fallback_model: fallback })));
    }
    addTo(cell, 1);
  }

  idLabel(id: string): string {
    return this.#ids.of(id);
  }

  /** litellm_deployment_state: 2 cooling down (the router's state, or its last cooldown), 1 last call failed. */
  state(id: string, cooled: boolean, now: number): number {
    if (cooled || (this.#until.get(id) ?? 0) > now) return 2;
    return this.#failed.get(id) === true ? 1 : 0;
  }
}
