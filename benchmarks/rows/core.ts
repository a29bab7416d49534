// Core rows: litellm's handler lookup and the guard's own cost.
import { createRequire } from 'node:module';
import { applyAcceleration } from '../../src/index';
import { guard, unwrap } from '../../src/shims/guard';
import { createPatternLookup } from '../../src/accelerators/handler-lookup';
import type { BenchRow } from '../lib/types';

const require = createRequire(import.meta.url);
type GetHandler = (model: string, mapping: Record<string, unknown>) => unknown;

// The models an app routes in practice: early, late and no match in litellm's 9-pattern table.
const MODELS = ['gpt-4o', 'gpt-3.5-turbo', 'claude-2', 'ollama/llama2', 'command-nightly', 'mistral/mistral-tiny', 'deepinfra/meta-llama', 'unknown-model'];
const CALLS = 1000;

let original: GetHandler;
let patched: GetHandler;
let mapping: Record<string, unknown>;

function lookupAll(fn: GetHandler): unknown[] {
  const out: unknown[] = [];
  for (const m of MODELS) out.push(fn(m, mapping));
  return out;
}

const handlerLookup: BenchRow = {
  kind: 'fn',
  id: 'core.handler-lookup',
  name: 'handler lookup (getHandler, 8 models)',
  group: 'core',
  baselineName: 'litellm 0.12 getHandler (new RegExp per pattern per call)',
  acceleratedName: 'fast-litellm precompiled lookup, under the guard',
  setup() {
    const mod = require('litellm/dist/src/handlers/getHandler');
    mapping = require('litellm/dist/src/completion').MODEL_HANDLER_MAPPINGS;
    applyAcceleration();
    patched = mod.getHandler;
    original = unwrap(patched);
    if (original === patched) throw new Error('getHandler was not patched');
  },
  baseline: () => lookupAll(original),
  accelerated: () => lookupAll(patched),
  itemsPerOp: MODELS.length,
};

// The guard's cost: the same accelerated function called bare and through guard() with the feature
// on, 1000 calls per op so timer resolution does not swamp a ~100 ns call.
let bare: GetHandler;
let guarded: GetHandler;
function loop(fn: GetHandler): unknown {
  let last: unknown;
  for (let i = 0; i < CALLS; i++) last = fn(MODELS[i & 7], mapping);
  return last;
}

const guardOverhead: BenchRow = {
  kind: 'fn',
  id: 'core.guard-overhead',
  name: 'guard overhead (feature on, per 1000 calls)',
  group: 'core',
  baselineName: 'the accelerated lookup called bare',
  acceleratedName: 'the same lookup through guard() (mode check, timing, stats)',
  setup() {
    mapping = require('litellm/dist/src/completion').MODEL_HANDLER_MAPPINGS;
    bare = createPatternLookup() as GetHandler;
    guarded = guard({ component: 'bench.guard', feature: 'handler_lookup', original: bare, accelerated: createPatternLookup() as GetHandler });
  },
  baseline: () => loop(bare),
  accelerated: () => loop(guarded),
  itemsPerOp: CALLS,
  // An accepted cost, not a speedup: the bar is "well under 1 µs per call".
  minSpeedup: 0.25,
};

export const rows: BenchRow[] = [handlerLookup, guardOverhead];
