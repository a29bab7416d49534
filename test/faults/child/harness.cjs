'use strict';
// Runs one case script of the fault matrix in this process and prints one result line. Started by
// test/faults/run.ts as `node [--expose-gc] [-r|--import fast-litellm/register] harness.cjs`, the case
// and its parameters in the environment. Nothing here calls process.exit: the run measures whether
// the process ends by itself once the case is done.
const { performance } = require('node:perf_hooks');
const { makeContext, errorShape } = require('./lib.cjs');

const MARK = '@@fault-result ';
const unhandled = [];
const uncaught = [];
const warnings = [];
process.on('unhandledRejection', (e) => unhandled.push(errorShape(e)));
process.on('uncaughtException', (e) => uncaught.push(errorShape(e)));
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

const t = makeContext(JSON.parse(process.env.FAULT_PARAMS || '{}'));
let done = false;

// The event loop emptied while the case still awaited something: a promise nothing will settle.
process.on('exit', (code) => {
  if (done) return;
  process.stdout.write(`${MARK}${JSON.stringify({ unfinished: true, pending: t.pendingLabels(), code })}\n`);
});

/** What keeps this process alive, minus its own stdio pipes (`getActiveResourcesInfo` lists ref'd ones only). */
function resources() {
  const stdio = [];
  for (const s of [process.stdin, process.stdout, process.stderr]) {
    const h = s && s._handle;
    if (h && typeof h.hasRef === 'function' && h.hasRef()) stdio.push(`${h.constructor.name}Wrap`);
  }
  const out = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
  // One entry per stdio handle that is ref'd (a pipe to the parent); drop exactly those.
  for (const name of stdio) {
    const i = out.indexOf(name);
    if (i >= 0) out.splice(i, 1);
  }
  return out.sort();
}

async function main() {
  const run = require(process.env.FAULT_CASE);
  const t0 = performance.now();
  let result;
  try {
    result = await run(t);
  } catch (e) {
    result = { caseThrew: errorShape(e) };
  }
  const ms = Math.round(performance.now() - t0);
  await t.settle();
  const left = resources();
  done = true;
  // Requests the shim's pooled transport carried: a shimmed run that sent requests but pooled none
  // would compare the original with itself.
  const pooled = t.shimmed ? require('fast-litellm').getPoolStats().reduce((n, s) => n + s.requests, 0) : undefined;
  const line = {
    result, ms, unhandled, uncaught, warnings, resources: left, pending: t.pendingLabels(),
    boundsFired: t.boundsFired(), leaks: t.leaks(), pooled,
    shimmed: t.shimmed,
  };
  process.stdout.write(`${MARK}${JSON.stringify(line)}\n`);
}

void main();
