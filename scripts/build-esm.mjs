// ESM entry points are thin wrappers over the CommonJS build, so `import` and `require` in one
// process share one instance (one set of hooks, stats and pools): no dual-package hazard.
import { mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const esm = join(root, 'dist', 'esm');
mkdirSync(esm, { recursive: true });

const names = Object.keys(require(join(root, 'dist', 'cjs', 'index.js'))).filter((n) => n !== 'default' && n !== '__esModule');
writeFileSync(
  join(esm, 'index.mjs'),
  `import cjs from '../cjs/index.js';\nexport const { ${names.join(', ')} } = cjs;\nexport default cjs;\n`,
);
writeFileSync(join(esm, 'index.d.mts'), `export * from '../cjs/index.js';\n`);
copyFileSync(join(root, 'src', 'esm', 'register.mjs'), join(esm, 'register.mjs'));
console.log(`dist/esm: ${names.length} named exports`);
