'use strict';
// node -r ./capture.js [-r fast-litellm/register | --import fast-litellm/register] probe.js [--apply-late] [--remove]
// Loads what an app can reach of litellm, openai and @anthropic-ai/sdk, then (optionally applies
// and/or) removes the acceleration, and writes to $IDENTITY_OUT: the in-process differences between each file's exports
// as its own code left them and as they are now (by ===), the files whose own code never ran, and a
// canonical walk of everything reachable, for comparison with a plain process.
const fs = require('node:fs');
const path = require('node:path');
const { canonical, diffShallow, shallow } = require('./walk');

async function main() {
  const snapshots = globalThis[Symbol.for('fast-litellm.fidelity.snapshots')];
  if (!snapshots) throw new Error('probe.js needs -r ./capture.js first');
  const args = new Set(process.argv.slice(2));
  const litellmDir = path.dirname(require.resolve('litellm/package.json'));
  const src = path.join(litellmDir, 'dist', 'src');
  const files = ['', 'handlers', 'utils'].flatMap((d) =>
    fs.readdirSync(path.join(src, d)).filter((f) => f.endsWith('.js')).sort().map((f) => path.posix.join('dist/src', d, f)));
  // As an app would: the package first, then whatever else it reaches.
  const roots = [['litellm', require('litellm')]];
  for (const f of files) roots.push([`litellm/${f}`, require(path.join(litellmDir, f))]);
  const sdks = ['openai', 'openai/core', 'openai/streaming', '@anthropic-ai/sdk', '@anthropic-ai/sdk/core', '@anthropic-ai/sdk/streaming',
    'js-tiktoken', 'js-tiktoken/lite', 'tiktoken'];
  for (const id of sdks) roots.push([id, require(id)]);

  if (args.has('--apply-late')) require('fast-litellm').applyAcceleration();
  if (args.has('--remove')) await require('fast-litellm').removeAcceleration();

  const inProcess = [];
  const neverRan = [];
  const ours = /[\\/]node_modules[\\/](litellm|openai|@anthropic-ai[\\/]sdk|js-tiktoken|tiktoken)[\\/]/;
  for (const [filename, mod] of Object.entries(require.cache)) {
    if (!ours.test(filename) || !/\.c?js$/.test(filename)) continue;
    const name = filename.slice(filename.lastIndexOf(`node_modules${path.sep}`) + 13).split(path.sep).join('/');
    const snap = snapshots.get(filename);
    if (snap === undefined) {
      neverRan.push(name);
      continue;
    }
    if (mod.exports !== snap.exports) inProcess.push({ file: name, path: '[]', change: 'module.exports' });
    for (const d of diffShallow(snap.entries, shallow(snap.exports))) inProcess.push({ file: name, ...d });
  }
  const out = {
    features: (() => {
      try {
        return require(path.join(__dirname, '..', '..', '..', 'dist', 'cjs', 'config.js')).FEATURES;
      } catch {
        return null;
      }
    })(),
    snapshots: snapshots.size,
    inProcess: inProcess.sort((a, b) => (a.file + a.path < b.file + b.path ? -1 : 1)),
    neverRan: neverRan.sort(),
    walk: canonical(roots),
    // The shim's own account of what each row targets (feature, file, export), when it is loaded.
    rows: Object.keys(require.cache).some((f) => f.endsWith(path.join('dist', 'cjs', 'api.js')))
      ? require('fast-litellm').getPatchStatus().rows.map((r) => ({ id: r.id, feature: r.feature, package: r.package, file: r.file, export: r.export, state: r.state }))
      : null,
  };
  fs.writeFileSync(process.env.IDENTITY_OUT, JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err && err.stack}\n`);
    process.exit(1);
  },
);
