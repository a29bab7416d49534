import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, runNode } from '../node-child';

// The entries a user types (--import, -r) read one configuration: the environment and the file alike.
// Against the built package (make test builds first).
vi.setConfig({ testTimeout: 120_000 });

const root = join(__dirname, '..', '..');
const probe = join(__dirname, 'fixtures', 'esm-probe.mjs');
const dir = mkdtempSync(join(tmpdir(), 'fl-config-register-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(() => ensureBuilt());

const viaImport = (env: NodeJS.ProcessEnv) => runNode(['--import', 'fast-litellm/register', probe], env);

describe('the --import entry asks the config, file included', () => {
  it('registers the ESM hook by default (the control case)', async () => {
    const { out, stderr } = await viaImport({});
    expect(out).toEqual({ esmHook: true, active: true });
    expect(stderr).toBe('');
  });

  it('a file with {"disabled": true} installs nothing, ESM hook included', async () => {
    const { out } = await viaImport({ FAST_LITELLM_CONFIG: file('off.json', '{"disabled": true}') });
    expect(out).toEqual({ esmHook: false, active: false });
  });

  it('a file with {"esmHook": "off"} keeps the ESM hook off; CommonJS patching still applies', async () => {
    const { out } = await viaImport({ FAST_LITELLM_CONFIG: file('esm-off.yaml', 'esmHook: "off"\n') });
    expect(out).toEqual({ esmHook: false, active: true });
  });

  it('the environment still wins over the file', async () => {
    const config = file('esm-on.json', '{"esmHook": "off"}');
    const { out } = await viaImport({ FAST_LITELLM_CONFIG: config, FAST_LITELLM_ESM_HOOK: 'on' });
    expect(out.esmHook).toBe(true);
  });
});

describe('an invalid setting stops startup with one line', () => {
  it.each([
    ['--import', { FAST_LITELLM_CONFIG: join(dir, 'missing.json') }, `fast-litellm: FAST_LITELLM_CONFIG: cannot read file ${join(dir, 'missing.json')} (ENOENT); accepted: a readable JSON or YAML file`],
    ['--import', { FAST_LITELLM_MAX_PARALLEL: '70000', FAST_LITELLM_RPM: '2' }, 'fast-litellm: FAST_LITELLM_MAX_PARALLEL: invalid value "70000"; accepted: an integer from 1 to 65535'],
    ['-r', { FAST_LITELLM_RPM: String(2 ** 32) }, 'fast-litellm: FAST_LITELLM_RPM: invalid value "4294967296"; accepted: an integer from 1 to 4294967295'],
  ])('%s with %j', (flag, env, line) => {
    const r = spawnSync(process.execPath, [flag, 'fast-litellm/register', '-e', 'console.log("app ran")'], {
      cwd: root, env: { ...process.env, NODE_OPTIONS: '', ...env }, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(line);
    expect(r.status).toBe(1);
  });
});

describe('startup cost of the config', () => {
  const loaded = (env: NodeJS.ProcessEnv) => {
    const code = "require('./dist/cjs/config.js').getConfig(); console.log(JSON.stringify(Object.keys(require.cache)))";
    const r = spawnSync(process.execPath, ['-e', code], {
      cwd: root, env: { ...process.env, NODE_OPTIONS: '', ...env }, encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    return (JSON.parse(r.stdout) as string[]).map((f) => f.slice(root.length + 1));
  };

  it('reading it (what register.mjs does first) loads no package and nothing but settings', () => {
    const files = loaded({ FAST_LITELLM_CONFIG: file('plain.json', '{"errorThreshold": 3}') });
    expect(files.filter((f) => f.includes('node_modules'))).toEqual([]);
    const settings = /^dist\/cjs\/(config|errors|accelerators\/(ratelimit\/options|pool\/dispatchers|tokens\/memo|router\/(config|config-values|defaults|types)\.js))/;
    expect(files.filter((f) => !settings.test(f))).toEqual([]);
  });

  it('the YAML parser is loaded only for a YAML file', () => {
    const files = loaded({ FAST_LITELLM_CONFIG: file('plain.yaml', 'errorThreshold: 3\n') });
    expect(files.some((f) => f.includes('node_modules/yaml/'))).toBe(true);
  });
});
