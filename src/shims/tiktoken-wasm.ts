// tiktoken (the WASM build, 1.0.x) served by the token engine, through its own API and class. An
// encoder get_encoding / encoding_for_model make under the shim is `Object.create(Tiktoken.prototype)`,
// as the library's own wrapper makes it, whose `__wbg_ptr` (the WASM encoder every original method
// reads) is an accessor: the WASM encoder is built, by the library, the first time an original method
// needs it (`decode`, `token_byte_values`, `name`...). `encode` and `encode_ordinary` answer from the
// engine for those encoders and hand every other one to the original; `free()` on an encoder whose
// WASM side was never built only marks it freed, so a later call fails as the library's does.
//
// Memory: the built WASM encoder's pointer moves to ours (the library's wrapper gives it up through its
// own __destroy_into_raw), and is freed by `free()` or, as the library does, when ours is collected.
import { isEncodingName } from '../accelerators/tokens/encodings';
import { isLibraryError, UNSUPPORTED } from '../accelerators/tokens/rules';
import { TiktokenRules } from '../accelerators/tokens/tiktoken-rules';
import { type AnyFn, markInternal } from './guard';
import { describe, type Left } from './js-tiktoken';

interface WasmEncoder {
  __wbg_ptr: number;
  __destroy_into_raw(): number;
  free(): void;
}

interface Cell {
  rules: TiktokenRules;
  /** 'lazy': no WASM encoder yet; 'built': `ptr` is its pointer (0 once freed). */
  state: 'lazy' | 'built';
  ptr: number;
  build: () => WasmEncoder;
  /** The library's wrapper the pointer came from, emptied: frees the pointer if ours is collected unfreed. */
  shell?: WasmEncoder;
}

const cells = new WeakMap<object, Cell>();

const collected = new FinalizationRegistry<Cell>((c) => {
  if (c.ptr === 0 || c.shell === undefined) return;
  try {
    c.shell.__wbg_ptr = c.ptr;
    c.ptr = 0;
    c.shell.free();
  } catch {
    // Nothing to tell anyone from a finalizer; the library's own finalizer ignores failures too.
  }
});

function pointer(enc: object, c: Cell): number {
  if (c.state === 'lazy') {
    const real = c.build();
    c.ptr = real.__destroy_into_raw();
    c.state = 'built';
    c.shell = real;
    collected.register(enc, c);
  }
  return c.ptr;
}

function makeEncoder(prototype: object, rules: TiktokenRules, build: () => WasmEncoder): object {
  const enc = Object.create(prototype) as object;
  const c: Cell = { rules, state: 'lazy', ptr: 0, build };
  Object.defineProperty(enc, '__wbg_ptr', {
    get: () => pointer(enc, c),
    set(value: number) {
      // The library's free() writes 0 here (through __destroy_into_raw) before it frees the pointer.
      if (c.state === 'lazy') c.state = 'built';
      c.ptr = value;
    },
    enumerable: true,
    configurable: true,
  });
  cells.set(enc, c);
  return enc;
}

/** The encoder's rules, when the shim made it and it is not freed. */
function live(enc: unknown): Cell | undefined {
  const c = cells.get(enc as object);
  return c === undefined || (c.state === 'built' && c.ptr === 0) ? undefined : c;
}

// --- rows' replacements ------------------------------------------------------------------------------

/** `Tiktoken.prototype.encode` / `encode_ordinary`: the engine for the encoders the shim made. */
export function wasmEncode(which: 'encode' | 'encode_ordinary'): (original: AnyFn) => AnyFn {
  return (original) => {
    const fn = function (this: unknown, text: unknown, allowedSpecial?: unknown, disallowedSpecial?: unknown) {
      const c = live(this);
      if (c === undefined) return original.apply(this, arguments as unknown as unknown[]);
      let ids: Uint32Array | typeof UNSUPPORTED;
      try {
        ids = which === 'encode' ? c.rules.encode(text, allowedSpecial, disallowedSpecial) : c.rules.encodeOrdinary(text);
      } catch (err) {
        // tiktoken's own errors (a disallowed special token, an invalid set) are its answer.
        if (isLibraryError(err)) throw err;
        throw markInternal(err);
      }
      return ids === UNSUPPORTED ? original.apply(this, arguments as unknown as unknown[]) : ids;
    };
    return fn;
  };
}

/** `Tiktoken.prototype.free`: an encoder whose WASM side was never built has nothing to free. */
export function wasmFree(original: AnyFn): AnyFn {
  return function free(this: unknown) {
    const c = cells.get(this as object);
    if (c !== undefined && c.state === 'lazy') {
      c.state = 'built';
      c.ptr = 0;
      return undefined;
    }
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

type Maker = (encoding: string, extend: unknown) => WasmEncoder;

function lazyFrom(holder: Record<string, unknown>): ((encoding: unknown, extend: unknown, build: () => WasmEncoder) =>
  object | undefined) | undefined {
  const Class = holder.Tiktoken as { prototype?: Partial<WasmEncoder> } | undefined;
  const prototype = Class?.prototype;
  // Older or other wasm-bindgen output without the hand-over this relies on: leave it all to the library.
  if (typeof Class !== 'function' || typeof prototype?.__destroy_into_raw !== 'function') return undefined;
  return (encoding, extend, build) => {
    if (!isEncodingName(encoding)) return undefined;
    const rules = TiktokenRules.create(encoding, extend);
    return rules === undefined ? undefined : makeEncoder(prototype, rules, build);
  };
}

/** The WASM reads the extension when the encoder is built: a copy keeps what the app passed then. */
function snapshot(extend: unknown): unknown {
  return extend === null || typeof extend !== 'object' ? extend : { ...extend };
}

/** `get_encoding(encoding, extend_special_tokens)`: the four standard encodings, made by the shim. */
export function wasmGetEncoding(original: AnyFn, holder: Record<string, unknown>, left: Left): AnyFn {
  const lazy = lazyFrom(holder);
  if (lazy === undefined) return original;
  const make = original as Maker;
  return function get_encoding(this: unknown, encoding: unknown, extend?: unknown) {
    const copy = snapshot(extend);
    const enc = lazy(encoding, extend, () => make(encoding as string, copy));
    if (enc !== undefined) return enc;
    left(`get_encoding(${describe(encoding)}${extend === undefined ? '' : ', extend_special_tokens'})`);
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

/** `encoding_for_model(model, extend)`: the library's own model map (get_encoding_name_for_model), then as above. */
export function wasmEncodingForModel(original: AnyFn, holder: Record<string, unknown>, left: Left): AnyFn {
  const lazy = lazyFrom(holder);
  const nameFor = holder.get_encoding_name_for_model;
  if (lazy === undefined || typeof nameFor !== 'function') return original;
  const make = original as Maker;
  return function encoding_for_model(this: unknown, model: unknown, extend?: unknown) {
    let name: unknown;
    try {
      name = (nameFor as AnyFn)(model);
    } catch {
      return original.apply(this, arguments as unknown as unknown[]);
    }
    const copy = snapshot(extend);
    const enc = lazy(name, extend, () => make(model as string, copy));
    if (enc !== undefined) return enc;
    left(`encoding_for_model(${describe(model)}${extend === undefined ? '' : ', extend_special_tokens'})`);
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

/** For tests of laziness: whether the WASM encoder behind an encoder the shim made was built. */
export function wasmBuilt(enc: object): boolean | undefined {
  const c = cells.get(enc);
  return c === undefined ? undefined : c.shell !== undefined;
}
