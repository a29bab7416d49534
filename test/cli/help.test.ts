// The CLI's conventions: --version, help <command>, typo suggestions, examples, defaults, exit codes.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../src/cli/suggest';
import { cli, root } from './helpers';

const pkgVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const COMMANDS = [['status'], ['doctor'], ['mock-server'], ['profile', 'latency'], ['profile', 'throughput'], ['profile', 'compare']];

describe('fast-litellm --version and help', () => {
  it.each([['--version'], ['-v']])('%s prints the package version, exit 0', async (flag) => {
    expect(await cli([flag])).toEqual({ code: 0, out: `fast-litellm ${pkgVersion}\n`, err: '' });
  });

  it('--help starts with the one flag that accelerates an app, lists every command, examples and exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    const first = r.out.indexOf('node --import fast-litellm/register app.js');
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(r.out.indexOf('Usage:'));
    for (const c of ['status', 'doctor', 'mock-server', 'profile latency', 'profile throughput', 'profile compare', 'help [command]']) {
      expect(r.out).toMatch(new RegExp(`^  ${c.replace(/[[\]]/g, '\\$&')} +\\S`, 'm'));
    }
    expect(r.out).toMatch(/Examples:\n {2}npx fast-litellm /);
    expect(r.out).toMatch(/Exit codes:\n {2}0 +success\n {2}1 +.*\n {2}2 +.*gateway.*\n {2}130 +.*Ctrl-C/);
    expect((await cli(['help'])).out).toBe(r.out);
    // No command at all: the same help, but a failing exit code (a script called it wrongly).
    expect(await cli([])).toMatchObject({ code: 1, out: r.out });
  });

  it.each(COMMANDS.map((c) => [c.join(' '), c]))('help %s: usage, examples, defaults and exit codes; the same as --help', async (_, cmd) => {
    const viaHelp = await cli(['help', ...cmd]);
    const viaFlag = await cli([...cmd, '--help']);
    const viaShort = await cli([...cmd, '-h']);
    expect(viaHelp.code).toBe(0);
    expect(viaFlag).toEqual(viaHelp);
    expect(viaShort).toEqual(viaHelp);
    const out = viaHelp.out;
    expect(out.startsWith(`Usage: fast-litellm ${cmd.join(' ')}`)).toBe(true);
    expect(out).toMatch(/\nExamples:\n( {2}npx fast-litellm .+\n)+/);
    expect(out).toMatch(/\nExit codes:\n {2}0 +success/);
    expect(out).toMatch(/^ {2}-h, --help +show this help$/m);
    // Every option with a default shows it, in one form.
    expect(out).not.toMatch(/\(default [^:]/);
    expect(out).toContain('(default: ');
  });

  it('shows the defaults the commands really use', async () => {
    const lat = (await cli(['help', 'profile', 'latency'])).out;
    expect(lat).toMatch(/--iterations <n> +measured requests \(default: 10\)/);
    expect(lat).toMatch(/--url <url> +.*\(default: http:\/\/localhost:4000\)/);
    const mock = (await cli(['help', 'mock-server'])).out;
    expect(mock).toMatch(/--reply-tokens <n> +tokens per reply.*\(default: 16\)/);
    expect(mock).toMatch(/--seed <n> +.*\(default: 42\)/);
  });

  it('one wording per option: profile --mock-<x> says what mock-server --<x> says', async () => {
    const mock = (await cli(['help', 'mock-server'])).out;
    const prof = (await cli(['help', 'profile', 'throughput'])).out;
    const text = (out: string, opt: string) => new RegExp(`^ {2}--${opt} <n> +(.+)$`, 'm').exec(out)?.[1];
    for (const o of ['latency-ms', 'ttft-ms', 'tokens-per-sec', 'reply-tokens', 'fail-rate', 'fail-status', 'drop-rate']) {
      expect(text(prof, `mock-${o}`), o).toBe(`with --mock: ${text(mock, o)}`);
    }
  });
});

describe('typos', () => {
  it('an unknown command gets the closest one and a pointer to help, exit 1', async () => {
    expect(await cli(['stauts'])).toEqual({ code: 1, out: '', err: 'fast-litellm: unknown command stauts; did you mean status?\nRun `fast-litellm help` for usage.\n' });
    expect((await cli(['doctr'])).err).toContain('did you mean doctor?');
    expect((await cli(['mock'])).err).toContain('did you mean mock-server?');
    expect((await cli(['--verison'])).err).toContain('did you mean --version?');
    expect((await cli(['frobnicate'])).err).toBe('fast-litellm: unknown command frobnicate\nRun `fast-litellm help` for usage.\n');
    expect((await cli(['help', 'profil'])).err).toContain('unknown command profil; did you mean profile?');
  });

  it('an unknown option or subcommand names the closest and the help of that command', async () => {
    const r = await cli(['profile', 'latency', '--iteratons', '3']);
    expect(r).toEqual({
      code: 1, out: '',
      err: 'fast-litellm: unknown option --iteratons; did you mean --iterations?\nRun `fast-litellm help profile latency` for usage.\n',
    });
    expect((await cli(['profile', 'throughpt'])).err).toContain('did you mean throughput?');
    expect((await cli(['mock-server', '--latency', '5'])).err).toContain('unknown option --latency; did you mean --latency-ms?');
    expect((await cli(['status', '--jsno'])).err).toContain('did you mean --json?');
    expect((await cli(['profile', 'latency', '--via', 'opnai'])).err).toContain('--via must be http, openai or litellm, got opnai; did you mean openai?');
  });

  it('edit distance counts a swap as one edit; suggestions stay within a third of the length', () => {
    expect(editDistance('status', 'stauts')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(suggest('latncy', ['latency', 'throughput'])).toBe('latency');
    expect(suggest('thr', ['latency', 'throughput'])).toBe('throughput');
    expect(suggest('xyz', ['latency', 'throughput'])).toBeUndefined();
    expect(suggest('co', ['compare', 'concurrency'])).toBeUndefined();
  });
});

describe('the built command', () => {
  it('exit codes from a real process: --version 0, a typo 1 with one message on stderr', () => {
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const ok = spawnSync(tsx, [join(root, 'src/cli/main.ts'), '--version'], { cwd: root, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(`fast-litellm ${pkgVersion}\n`);
    const bad = spawnSync(tsx, [join(root, 'src/cli/main.ts'), 'profile', 'latency', '--bogus'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'))).toEqual([
      'fast-litellm: unknown option --bogus',
      'Run `fast-litellm help profile latency` for usage.',
    ]);
  }, 30_000);
});
