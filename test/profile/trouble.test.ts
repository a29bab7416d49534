// Connection refused, Ctrl-C, --mock, --accelerated and option errors.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/mock';
import { getPatchStatus } from '../../src/index';
import { profile } from './helpers';

const root = join(__dirname, '..', '..');

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

type Child = ReturnType<typeof spawn>;
type Exit = { code: number | null; out: string; err: string; child: Child };

function cli(args: string[]): Promise<Exit> & { child: Child } {
  // tsx loaded in-process (no tsx parent relaying signals, which may SIGKILL a busy child on Ctrl-C).
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const p: any = new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err, child })));
  p.child = child;
  return p;
}

const noNpmNoise = (s: string) => s.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));

describe('fast-litellm profile: trouble', () => {
  it('connection refused: one line naming the URL and how to check it, exit 2 (in-process)', async () => {
    const port = await closedPort();
    const r = await profile(['latency', '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `fast-litellm: connection refused at http://127.0.0.1:${port}; is the gateway running? ` +
        `Check it with: curl http://127.0.0.1:${port}/health (or use --url, or --mock for the embedded mock server)\n`,
    );
    expect(r.out).toBe('');
  });

  it('connection refused from the real CLI: exit code 2, one stderr line, no stack trace', async () => {
    const port = await closedPort();
    const r = await cli(['profile', 'throughput', '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    const lines = noNpmNoise(r.err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`connection refused at http://127.0.0.1:${port}`);
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('Ctrl-C prints the partial summary and exits 130 (in-process)', async () => {
    const mock = await startMockServer({ latencyMs: 20 });
    try {
      const r = await profile(['throughput', '--url', mock.url, '--requests', '100000', '--concurrency', '2', '--no-stream', '--json'], { interruptAfterMs: 400 });
      expect(r.code).toBe(130);
      const s = r.doc.summary;
      expect(s.interrupted).toBe(true);
      expect(s.requests).toBeGreaterThan(0);
      expect(s.requests).toBeLessThan(100000);
      expect(s.requests).toBe(r.doc.measurements.length);
      expect(s.errors).toEqual({});
    } finally {
      await mock.close();
    }
  });

  it('Ctrl-C (SIGINT) on the real CLI: partial human summary, exit 130', async () => {
    const run = cli(['profile', 'latency', '--mock', '--mock-latency-ms', '30', '--iterations', '100000', '--warmup', '0', '--no-stream']);
    let seen = '';
    let sent = false;
    run.child.stdout!.on('data', (d) => {
      seen += d;
      // once: a second Ctrl-C means "leave now" and skips the summary
      if (!sent && (seen.match(/^ +\d+ +[\d.]+ (?:µs|ms|s) /gm) ?? []).length >= 3) {
        sent = true;
        run.child.kill('SIGINT');
      }
    });
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.out).toContain('Summary');
    expect(r.out).toMatch(/Success rate: \d+\/\d+ \(100\.0%\)/);
    expect(r.out).toContain('Interrupted (Ctrl-C)');
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('--mock runs offline against the embedded server with the given behaviour', async () => {
    const r = await profile(['latency', '--mock', '--mock-reply-tokens', '9', '--mock-fail-rate', '1', '--mock-fail-status', '503', '--iterations', '3', '--warmup', '0', '--json']);
    expect(r.code).toBe(0);
    expect(r.doc.config.url).toBe('mock');
    expect(r.doc.summary.errors).toEqual({ server_error: 3 });
    const ok = await profile(['latency', '--mock', '--mock-reply-tokens', '9', '--iterations', '2', '--warmup', '0', '--json']);
    expect(ok.doc.measurements.map((m: any) => m.tokens)).toEqual([9, 9]);
  });

  it('--accelerated applies the shim for the run, reports the patch rows, and removes it after', async () => {
    const mock = await startMockServer({ replyTokens: 6 });
    try {
      const r = await profile(['latency', '--url', mock.url, '--via', 'litellm', '--accelerated', '--iterations', '2', '--warmup', '0', '--json']);
      expect(r.doc.config.accelerated).toBe(true);
      const applied = r.doc.config.patches.filter((p: any) => p.state === 'applied').map((p: any) => p.id);
      expect(applied).toContain('openai.fetch');
      expect(r.doc.summary.success_rate).toBe(1);
      expect(r.doc.measurements.map((m: any) => m.tokens)).toEqual([6, 6]);
      expect(getPatchStatus().active).toBe(false);
    } finally {
      await mock.close();
    }
  });

  it.each([
    [['latency', '--via', 'curl'], '--via must be http, openai or litellm, got curl'],
    [['latency', '--iterations', 'x'], '--iterations must be a non-negative integer, got x'],
    [['latency', '--iterations', '0'], '--iterations must be at least 1, got 0'],
    [['throughput', '--sweep', '1,a'], '--sweep takes positive integers, got 1,a'],
    [['compare'], 'compare needs --models a b c'],
    [['latency', '--bogus'], 'unknown option --bogus'],
    [['nope'], 'unknown profile command nope; expected latency, throughput or compare'],
  ])('rejects %j', async (argv, message) => {
    const mock = await startMockServer();
    try {
      await expect(profile([...argv, '--url', mock.url])).rejects.toThrow(message);
    } finally {
      await mock.close();
    }
  });
});
