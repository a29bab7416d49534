'use strict';
// Preloaded (`-r`) before anything else, fast-litellm included: records, the moment each file of
// litellm, openai, @anthropic-ai/sdk, js-tiktoken and tiktoken has run its own code (before any
// require hook sees its exports), its exports object and the own property descriptors two levels down (exports, each
// exported function's or object's own properties, classes' prototypes, and every [[Prototype]]
// link), by reference.
const Module = require('node:module');
const { shallow } = require('./walk');

const snapshots = new Map();
const firstSeen = new WeakMap();
globalThis[Symbol.for('fast-litellm.fidelity.snapshots')] = snapshots;
const ours = /[\\/]node_modules[\\/](litellm|openai|@anthropic-ai[\\/]sdk|js-tiktoken|tiktoken)[\\/]/;
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename, ...rest) {
  const result = compile.call(this, content, filename, ...rest);
  if (ours.test(filename) && !snapshots.has(filename)) {
    snapshots.set(filename, { exports: this.exports, entries: shallow(this.exports, firstSeen) });
  }
  return result;
};
