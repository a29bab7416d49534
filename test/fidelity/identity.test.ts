import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../node-child';
import { root } from './suite-run';

// Identity: every export of litellm (index, completion, embedding, handlers/*, utils/*), of openai
// (main, .default, .OpenAI, .AzureOpenAI, core, streaming, their classes' statics and prototypes), of
// @anthropic-ai/sdk (main, core, streaming), of js-tiktoken (main, lite) and of tiktoken that an app
// can reach is the original object with a feature off, with all off, and after removeAcceleration().
// Two checks per process (identity/probe.js): each file's exports as its own code left them vs now, by
// === (capture.js snapshots them before any hook runs); and a canonical walk of everything reachable,
// compared with a plain process. What differs with each feature on is recorded, not asserted, and
// printed as a table.

const DIR = join(__dirname, 'identity');
const CAPTURE = ['-r', join(DIR, 'capture.js')];
const R = ['-r', 'fast-litellm/register'];
const IMPORT = ['--import', 'fast-litellm/register'];
// rate_limiting is only on when a limit is set; a limit no probe comes near.
const LIMIT = { FAST_LITELLM_RPM: '1000000' };

interface Probe {
  features: string[] | null;
  snapshots: number;
  inProcess: { file: string; path: string; change: string }[];
  neverRan: string[];
  walk: Record<string, string>;
  rows: { id: string; feature: string; package: string; file: string; export?: string; state: string }[] | null;
}

let dir: string;
let n = 0;
let FEATURES: string[] = [];
let FEATURE_ENV: Record<string, string> = {};
const results = new Map<string, Probe>();

function probe(nodeArgs: string[], env: NodeJS.ProcessEnv, args: string[] = []): Promise<Probe> {
  const out = join(dir, `probe-${n++}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CAPTURE, ...nodeArgs, join(DIR, 'probe.js'), ...args], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', ...env, IDENTITY_OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`probe ${nodeArgs.join(' ')} ${args.join(' ')} exited ${code}: ${stderr}`));
      resolve(JSON.parse(readFileSync(out, 'utf8')));
    });
  });
}

const off = (features: string[]) => Object.fromEntries(features.map((f) => [FEATURE_ENV[f], 'off']));

/** name -> [node args, env, probe args] */
function configurations(): Record<string, [string[], NodeJS.ProcessEnv, string[]]> {
  const c: Record<string, [string[], NodeJS.ProcessEnv, string[]]> = {
    'plain again': [[], {}, []],
    'all off, -r': [R, off(FEATURES), []],
    'all off, --import': [IMPORT, off(FEATURES), []],
    'removed, -r': [R, LIMIT, ['--remove']],
    'removed, --import': [IMPORT, LIMIT, ['--remove']],
    'applied late, removed': [[], LIMIT, ['--apply-late', '--remove']],
    'all on, -r': [R, LIMIT, []],
  };
  for (const f of FEATURES) {
    c[`${f} off, -r`] = [R, { ...LIMIT, [FEATURE_ENV[f]]: 'off' }, []];
    c[`only ${f} on, -r`] = [R, { ...off(FEATURES.filter((g) => g !== f)), [FEATURE_ENV[f]]: 'on', ...(f === 'rate_limiting' ? LIMIT : {}) }, []];
  }
  return c;
}

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'fidelity-identity-'));
  const config = require(join(root, 'dist', 'cjs', 'config.js'));
  FEATURES = [...config.FEATURES];
  FEATURE_ENV = config.FEATURE_ENV;
  results.set('plain', await probe([], {}));
  const entries = Object.entries(configurations());
  for (let i = 0; i < entries.length; i += 2) {
    const batch = entries.slice(i, i + 2);
    const done = await Promise.all(batch.map(([, [a, e, p]]) => probe(a, e, p)));
    batch.forEach(([name], j) => results.set(name, done[j]));
  }
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Everything in `run` that differs from the plain process: in-process (===), never-ran files, walk. */
function differences(name: string): string[] {
  const plain = results.get('plain')!;
  const run = results.get(name)!;
  const key = (d: Probe['inProcess'][number]) => `${d.file} ${d.path} ${d.change}`;
  const plainIn = new Set(plain.inProcess.map(key));
  const runIn = new Set(run.inProcess.map(key));
  const out = [
    ...[...runIn].filter((k) => !plainIn.has(k)).map((k) => `=== ${k}`),
    ...[...plainIn].filter((k) => !runIn.has(k)).map((k) => `=== (plain only) ${k}`),
    ...run.neverRan.filter((f) => !plain.neverRan.includes(f)).map((f) => `its own code never ran: ${f}`),
  ];
  const walked = new Set([...Object.keys(plain.walk), ...Object.keys(run.walk)]);
  const paths = [...walked].filter((p) => plain.walk[p] !== run.walk[p]).sort();
  // Topmost only: what hangs below a differing object differs with it.
  for (const p of paths) if (!paths.some((q) => q !== p && p.startsWith(`${q} `))) out.push(`walk ${p}`);
  return out;
}

/** One line per differing export: 'file export' (what the table shows). */
function exportsDiffering(name: string): string[] {
  const set = new Set<string>();
  for (const d of differences(name)) {
    let m = /^=== (?:\(plain only\) )?(\S+) \[(?:"((?:[^"\\]|\\.)*)")?/.exec(d);
    if (m) {
      set.add(`${m[1]}${m[2] === undefined ? ' (module.exports)' : ` ${m[2]}`}`);
      continue;
    }
    m = /^walk (\S+)(?: "((?:[^"\\]|\\.)*)")?/.exec(d);
    if (m) set.add(`${m[1]}${m[2] === undefined ? '' : ` ${m[2]}`}`);
    else set.add(d);
  }
  return [...set].sort();
}

describe('the probe', () => {
  it('sees every litellm and openai file run, the same walk twice in plain processes', () => {
    const plain = results.get('plain')!;
    expect(plain.neverRan).toEqual([]);
    expect(plain.snapshots).toBeGreaterThan(80);
    expect(Object.keys(plain.walk).length).toBeGreaterThan(1500);
    expect(plain.walk['[[truncated]]']).toBeUndefined();
    for (const p of ['openai "default"', 'openai "OpenAI"', 'openai "AzureOpenAI"', 'openai "Chat" "Completions" "prototype" "create"',
      'openai [[Prototype]] "prototype" "fetchWithTimeout"', 'openai/streaming "Stream" "prototype" "@@Symbol.asyncIterator"',
      'litellm/dist/src/completion.js "MODEL_HANDLER_MAPPINGS" "gpt-"', 'litellm "completion" [[value]]']) {
      expect(plain.walk[p], p).toBeDefined();
    }
    expect(differences('plain again')).toEqual([]);
  });
});

// The one documented exception (README, Differences from plain litellm): litellm's utils/encoders.js ran
// its own code, but its getEncoding('cl100k_base') was js-tiktoken's under the shim, so after
// removeAcceleration() its encoder is js-tiktoken's own instance whose rank maps are accessors, built
// by js-tiktoken on first read.
const LAZY_MAPS = ['walk litellm/dist/src/utils/encoders.js "encoderCl100K" "rankMap"',
  'walk litellm/dist/src/utils/encoders.js "encoderCl100K" "textMap"'];

describe('the originals, by ===', () => {
  it.each(['all off, -r', 'all off, --import', 'applied late, removed'])('%s', (name) => {
    expect(differences(name)).toEqual([]);
  });

  it.each(['removed, -r', 'removed, --import'])("%s: the originals, but for litellm's encoder's lazy maps", (name) => {
    expect(differences(name)).toEqual(LAZY_MAPS);
  });

  it("each feature off: the exports its own rows target are the originals (unless a row of a feature that is on targets them too)", () => {
    for (const f of FEATURES) {
      const run = results.get(`${f} off, -r`)!;
      const rows = run.rows ?? [];
      const target = (r: NonNullable<Probe['rows']>[number]) => `${r.package}/${r.file === '' ? 'index.js' : r.file} ${r.export}`;
      const onTargets = new Set(rows.filter((r) => r.feature !== f && r.export !== undefined).map(target));
      const ownTargets = rows.filter((r) => r.feature === f && r.export !== undefined).map(target);
      const mine = new Set(ownTargets.filter((t) => !onTargets.has(t)));
      // A row's export may name a member ('Stream.fromSSEResponse'): match every prefix of the path.
      const targets = (d: Probe['inProcess'][number]) => {
        const keys = JSON.parse(d.path) as string[];
        return keys.map((_k, i) => `${d.file} ${keys.slice(0, i + 1).join('.')}`);
      };
      const inPlain = new Set(results.get('plain')!.inProcess.map((d) => `${d.file} ${d.path} ${d.change}`));
      const changed = run.inProcess
        .filter((d) => !inPlain.has(`${d.file} ${d.path} ${d.change}`))
        .flatMap(targets)
        .filter((t) => mine.has(t));
      expect([...new Set(changed)], `${f} off`).toEqual([]);
    }
  });

  it('each feature off: no export differs that only that feature changes', () => {
    for (const f of FEATURES) {
      const byOthers = new Set(FEATURES.filter((g) => g !== f).flatMap((g) => differences(`only ${g} on, -r`)));
      expect(differences(`${f} off, -r`).filter((d) => !byOthers.has(d)), `${f} off`).toEqual([]);
    }
  });
});

describe('recorded, not asserted: what differs with each feature on', () => {
  it('prints the table', () => {
    const lines = ['| run | exports that differ from plain |', '|---|---|'];
    for (const name of [...FEATURES.map((f) => `only ${f} on, -r`), 'all on, -r']) {
      const diff = exportsDiffering(name);
      lines.push(`| ${name.replace(', -r', '')} | ${diff.length === 0 ? 'none' : diff.join('<br>')} |`);
    }
    console.log(lines.join('\n'));
    expect(lines.length).toBe(FEATURES.length + 3);
  });
});
