import { readFileSync, statSync } from 'node:fs';
import { ConfigError, show } from '../errors';

// A price table file in LiteLLM's model_prices_and_context_window.json format (FAST_LITELLM_PRICE_FILE),
// read and checked when the settings load, so that a bad one is a ConfigError naming the setting. Parsed
// once per path and modification time; telemetry's price lookup reads the parsed table from here.

export const MAX_PRICE_FILE_BYTES = 64 * 1024 * 1024;
const ACCEPTED = "a JSON file in LiteLLM's model_prices_and_context_window.json format";

export type PriceEntries = Record<string, Record<string, unknown>>;

let cached: { path: string; mtimeMs: number; table: PriceEntries } | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCost = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
const COSTS = ['input_cost_per_token', 'output_cost_per_token', 'cache_read_input_token_cost'];

/**
 * The models of a price table with usable costs. LiteLLM's own file documents its fields in a
 * "sample_spec" entry, and a model whose costs are not numbers >= 0 is skipped (strict: refused).
 */
export function priceEntries(data: unknown, where: string, strict: boolean): PriceEntries {
  if (!isObject(data)) throw new ConfigError(`${where}: invalid value (not an object of models); accepted: ${ACCEPTED}`);
  const out = Object.create(null) as PriceEntries;
  for (const [model, p] of Object.entries(data)) {
    if (model === 'sample_spec' || !isObject(p)) continue;
    if (!COSTS.every((k) => isCost(p[k]))) {
      if (strict) {
        throw new ConfigError(`${where}.${model}: invalid value (a cost that is not a number >= 0); accepted: ` +
          `${COSTS.join(', ')} as numbers >= 0`);
      }
      continue;
    }
    out[model] = p;
  }
  return out;
}

/** The table of the file at `path` (absolute); throws ConfigError naming `where`. */
export function readPriceFile(path: string, where = path): PriceEntries {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new ConfigError(`${where}: invalid value ${show(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}); ` +
      `accepted: ${ACCEPTED}`);
  }
  if (cached?.path === path && cached.mtimeMs === st.mtimeMs) return cached.table;
  if (!st.isFile()) throw new ConfigError(`${where}: invalid value ${show(path)} (not a file); accepted: ${ACCEPTED}`);
  if (st.size > MAX_PRICE_FILE_BYTES) {
    throw new ConfigError(`${where}: invalid value ${show(path)} (${st.size} bytes); accepted: ${ACCEPTED} ` +
      `of at most ${MAX_PRICE_FILE_BYTES} bytes`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${where}: invalid value ${show(path)} (not JSON: ${(err as Error).message}); ` +
      `accepted: ${ACCEPTED}`);
  }
  const table = priceEntries(data, where, false);
  cached = { path, mtimeMs: st.mtimeMs, table };
  return table;
}
