'use strict';
// Property-descriptor walks for the identity probe. Objects are compared by reference inside one
// process (shallow) and by where they were first reached across processes (canonical).

const isObj = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';
const keyName = (k) => (typeof k === 'symbol' ? `@@${k.description}` : k);

/** The engine's and Node's own objects: compared by name, never walked into. */
function intrinsics() {
  const map = new Map();
  const add = (name, v) => {
    if (isObj(v) && !map.has(v)) map.set(v, name);
  };
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    let v;
    try {
      v = globalThis[name];
    } catch {
      continue;
    }
    add(`global.${name}`, v);
    if (typeof v === 'function' && isObj(v.prototype)) add(`global.${name}.prototype`, v.prototype);
  }
  const fns = {
    AsyncFunction: async function () {},
    GeneratorFunction: function* () {},
    AsyncGeneratorFunction: async function* () {},
  };
  for (const [name, f] of Object.entries(fns)) {
    const ctor = Object.getPrototypeOf(f);
    add(`%${name}.prototype%`, ctor);
    add(`%${name}.prototype.prototype%`, ctor.prototype);
    if (ctor.prototype) add(`%${name}.prototype.prototype.[[Prototype]]%`, Object.getPrototypeOf(ctor.prototype));
  }
  add('%IteratorPrototype%', Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  add('%ArrayIteratorPrototype%', Object.getPrototypeOf([][Symbol.iterator]()));
  add('%TypedArray%', Object.getPrototypeOf(Int8Array));
  add('%TypedArray.prototype%', Object.getPrototypeOf(Int8Array.prototype));
  return map;
}

const INTRINSICS = intrinsics();

function descriptorOf(d) {
  return 'value' in d
    ? { value: d.value, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable }
    : { get: d.get, set: d.set, enumerable: d.enumerable, configurable: d.configurable };
}

/**
 * Own descriptors of `root` and, for each own data value that is an object or function (not an
 * intrinsic), its own descriptors and its `prototype`'s; plus every [[Prototype]] on the way.
 * Map of JSON path (array of keys) -> descriptor, values by reference.
 * `firstSeen` (capture.js): an object already read for an earlier file is described as it was then, so
 * a file that re-exports another's class (tiktoken.cjs, tiktoken_bg.cjs's Tiktoken) is recorded as that
 * file's own code left it, not as a hook changed it while the re-exporting file ran.
 */
function shallow(root, firstSeen) {
  const out = new Map();
  const read = (obj) => {
    const entries = [['[[Prototype]]', { value: Object.getPrototypeOf(obj) }]];
    for (const k of Reflect.ownKeys(obj)) {
      entries.push([keyName(k), descriptorOf(Object.getOwnPropertyDescriptor(obj, k))]);
    }
    return entries;
  };
  const own = (obj, path) => {
    let entries = firstSeen?.get(obj);
    if (entries === undefined) {
      entries = read(obj);
      firstSeen?.set(obj, entries);
    }
    for (const [k, d] of entries) out.set(JSON.stringify([...path, k]), d);
  };
  const withPrototype = (obj, path) => {
    own(obj, path);
    const p = Object.getOwnPropertyDescriptor(obj, 'prototype');
    if (typeof obj === 'function' && p && 'value' in p && isObj(p.value)) own(p.value, [...path, 'prototype']);
  };
  if (!isObj(root)) return out;
  withPrototype(root, []);
  for (const k of Reflect.ownKeys(root)) {
    const d = Object.getOwnPropertyDescriptor(root, k);
    if ('value' in d && isObj(d.value) && !INTRINSICS.has(d.value) && d.value !== root) withPrototype(d.value, [keyName(k)]);
  }
  return out;
}

/** Paths whose descriptors differ between two shallow() maps (any field, by ===). */
function diffShallow(before, after) {
  const out = [];
  for (const [path, d] of before) {
    const now = after.get(path);
    if (now === undefined) out.push({ path, change: 'removed' });
    else {
      const fields = [...new Set([...Object.keys(d), ...Object.keys(now)])].filter((f) => d[f] !== now[f]);
      if (fields.length > 0) out.push({ path, change: fields.join(',') });
    }
  }
  for (const path of after.keys()) if (!before.has(path)) out.push({ path, change: 'added' });
  return out;
}

/**
 * Breadth-first from the roots (in order): path -> a description where every object or function is
 * named by the path where it was first reached (or its intrinsic name), so two processes can be
 * compared for aliasing, descriptors and primitive values. Getters of module exports are read.
 */
function canonical(roots, limit = 200_000) {
  const names = new Map(INTRINSICS);
  const out = {};
  const queue = [];
  const ref = (v, path) => {
    if (!isObj(v)) return typeof v === 'string' ? `"${v.length > 200 ? `${v.slice(0, 200)}...` : v}"` : `${typeof v}:${String(v)}`;
    let n = names.get(v);
    if (n === undefined) {
      n = path;
      names.set(v, n);
      queue.push([v, path, false]);
    }
    return `<${n}>`;
  };
  for (const [name, exports] of roots) {
    if (!isObj(exports)) out[name] = ref(exports, name);
    else if (names.has(exports)) out[name] = `<${names.get(exports)}>`;
    else {
      names.set(exports, name);
      queue.push([exports, name, true]);
      out[name] = `<${name}>`;
    }
  }
  for (let i = 0; i < queue.length && i < limit; i++) {
    const [obj, path, isModule] = queue[i];
    out[`${path} [[Prototype]]`] = ref(Object.getPrototypeOf(obj), `${path} [[Prototype]]`);
    for (const k of Reflect.ownKeys(obj)) {
      const p = `${path} ${JSON.stringify(keyName(k))}`;
      const d = Object.getOwnPropertyDescriptor(obj, k);
      const flags = `${d.enumerable ? 'e' : '-'}${d.configurable ? 'c' : '-'}`;
      if ('value' in d) out[p] = `data ${flags}${d.writable ? 'w' : '-'} ${ref(d.value, p)}`;
      else {
        out[p] = `accessor ${flags} get=${ref(d.get, `${p} get`)} set=${ref(d.set, `${p} set`)}`;
        if (isModule && d.get) {
          let v;
          try {
            v = ref(d.get.call(obj), `${p} [[value]]`);
          } catch (err) {
            v = `threw ${err && err.name}`;
          }
          out[`${p} [[value]]`] = v;
        }
      }
    }
  }
  if (queue.length > limit) out['[[truncated]]'] = String(queue.length);
  return out;
}

module.exports = { shallow, diffShallow, canonical, INTRINSICS };
