import { priceEntries, readPriceFile } from '../config/price-file';
import { invalidArgument } from '../errors';
import { BUILTIN_PRICES, PRICE_TABLE_DATE, type ModelPrice } from './price-table';
import type { Usage } from './types';

// Cost per call from a table in LiteLLM's model_prices_and_context_window.json format: the built-in
// table, a file the user names (its entries win), and entries registered in code (they win over both).

let fileTable: Record<string, ModelPrice> = {};
let fileInfo: { path: string; models: number } | undefined;
const registered = new Map<string, ModelPrice>();

/** Prices from the file at `path` (read when the settings loaded; a ConfigError names what is wrong). */
export function usePriceFile(path: string, where = path): void {
  const table = readPriceFile(path, where) as Record<string, ModelPrice>;
  if (table === fileTable) return;
  fileTable = table;
  fileInfo = { path, models: Object.keys(table).length };
  clearResolved();
}

/** Drops the user's file (tests; a config without a price file). */
export function clearPriceFile(): void {
  fileTable = {};
  fileInfo = undefined;
  clearResolved();
}

/** Adds or replaces models in code, in LiteLLM's format (LiteLLM Python's `litellm.register_model`). */
export function registerModelPrices(table: Record<string, ModelPrice>): void {
  if (table === null || typeof table !== 'object' || Array.isArray(table)) {
    invalidArgument('registerModelPrices: table', table, 'an object of model names to prices');
  }
  let checked: Record<string, ModelPrice>;
  try {
    checked = priceEntries(table, 'registerModelPrices: table', true) as Record<string, ModelPrice>;
  } catch (err) {
    invalidArgument('registerModelPrices: table', table, (err as Error).message.split('; accepted: ')[1] ?? 'prices');
  }
  for (const [model, p] of Object.entries(checked)) registered.set(model, p);
  clearResolved();
}

export interface PriceTableInfo {
  builtinDate: string;
  builtinModels: number;
  file?: string;
  fileModels?: number;
  registeredModels: number;
}

export function priceTableInfo(): PriceTableInfo {
  return {
    builtinDate: PRICE_TABLE_DATE, builtinModels: Object.keys(BUILTIN_PRICES).length,
    ...(fileInfo ? { file: fileInfo.path, fileModels: fileInfo.models } : {}), registeredModels: registered.size,
  };
}

function exact(model: string): ModelPrice | undefined {
  return registered.get(model) ?? fileTable[model] ?? (Object.hasOwn(BUILTIN_PRICES, model)
    ? BUILTIN_PRICES[model] : undefined);
}

const DATED = /^(.+)-\d{4}-\d{2}-\d{2}$/;

/** LiteLLM's lookup order: the name, provider/name, the name without its provider, then without a date. */
function find(model: string, provider: string | undefined): ModelPrice | undefined {
  const slash = model.indexOf('/');
  const bare = slash > 0 ? model.slice(slash + 1) : model;
  const tries = [model, provider ? `${provider}/${model}` : '', bare];
  const dated = DATED.exec(bare);
  if (dated) tries.push(dated[1], provider ? `${provider}/${dated[1]}` : '');
  for (const t of tries) {
    if (t === '') continue;
    const p = exact(t);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** Lookups per provider ('' for none), then per name: no key string is built per call. */
const resolved = new Map<string, Map<string, ModelPrice | null>>();
let resolvedCount = 0;
const MAX_RESOLVED = 4096;

function clearResolved(): void {
  resolved.clear();
  resolvedCount = 0;
}

/** The price entry of a model (undefined: not in any table). */
export function modelPrice(model: string, provider?: string): ModelPrice | undefined {
  let byName = resolved.get(provider ?? '');
  if (byName === undefined) resolved.set(provider ?? '', (byName = new Map()));
  let p = byName.get(model);
  if (p === undefined) {
    p = find(model, provider) ?? null;
    if (resolvedCount >= MAX_RESOLVED) {
      clearResolved();
      resolved.set(provider ?? '', (byName = new Map()));
    }
    byName.set(model, p);
    resolvedCount++;
  }
  return p ?? undefined;
}

/** USD for the usage at a price; cached input tokens at the cache-read price when the table has one. */
export function costOf(price: ModelPrice, usage: Usage): number {
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  const inPrice = price.input_cost_per_token ?? 0;
  const cached = Math.min(input, usage.cachedInputTokens ?? 0);
  const cachedPrice = price.cache_read_input_token_cost ?? inPrice;
  return (input - cached) * inPrice + cached * cachedPrice + output * (price.output_cost_per_token ?? 0);
}

/** callCost() of up to three names, without an array per call (a call's answer, deployment, request). */
export function callCostOf(a: string | undefined, b: string | undefined, c: string | undefined, usage: Usage,
  provider?: string): number | undefined {
  const p = (a ? modelPrice(a, provider) : undefined) ?? (b ? modelPrice(b, provider) : undefined)
    ?? (c ? modelPrice(c, provider) : undefined);
  return p === undefined ? undefined : costOf(p, usage);
}

/** USD of a call of `models` (the first priced one wins), or undefined when none is priced. */
export function callCost(models: readonly (string | undefined)[], usage: Usage, provider?: string):
  number | undefined {
  for (const m of models) {
    if (m === undefined || m === '') continue;
    const p = modelPrice(m, provider);
    if (p !== undefined) return costOf(p, usage);
  }
  return undefined;
}
