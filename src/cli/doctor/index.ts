// `fast-litellm doctor`: checks the user's project in a few seconds and prints one line per check,
// one line per problem; exits 1 when any problem was found.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import satisfies from 'semver/functions/satisfies';
import { LIMIT_RANGES } from '../../accelerators/ratelimit/options';
import { helpText, parseArgs, stdio, UsageError, type CommandHelp, type OptSpec, type Out } from '../args';
import { EXIT, exitCodesText } from '../exit-codes';
import { inspectProject, projectConfig, type ProjectReport } from '../project';
import { nodeRange, packageRoot, version } from '../version';
import { pingRedis, redactRedisUrl } from './redis-ping';
import type { SelfCheck, SelfTestPlan } from './self-test';

export type Check = SelfCheck;

export const DOCTOR_SPEC = {
  dir: { kind: 'string', arg: 'path', help: 'project directory to check', shownDefault: 'the working directory' },
  'timeout-ms': { kind: 'int', help: 'longest the self-test may take', default: 30_000 },
  'redis-timeout-ms': { kind: 'int', help: 'longest the Redis PING may take', default: 1000 },
  'no-self-test': { kind: 'boolean', help: 'only the version, Node, configuration and Redis checks' },
  json: { kind: 'boolean', help: 'print only the JSON document on stdout' },
  help: { kind: 'boolean', help: 'show this help' },
} satisfies Record<string, OptSpec>;

export const DOCTOR_HELP: CommandHelp = {
  usage: 'fast-litellm doctor [--dir <path>] [--json] [options]',
  summary:
    'Checks a project in a few seconds: installed litellm / openai / @anthropic-ai/sdk versions against the\n' +
    'supported ranges, the Node version, the configuration (FAST_LITELLM_*, FAST_LITELLM_CONFIG), Redis (a PING,\n' +
    'when FAST_LITELLM_REDIS_URL is set), and a self-test of each feature in a child process started as your\n' +
    'app would be (node --import fast-litellm/register) against the embedded mock server: token counts equal\n' +
    'plain litellm, a pooled completion, a stream, and a rate-limit denial when limits are configured (the\n' +
    'self-test sets rpm 2 for a fresh API key of its own, so your counters are not touched).',
  examples: [
    'npx fast-litellm doctor',
    'FAST_LITELLM_REDIS_URL=redis://127.0.0.1:6379 FAST_LITELLM_RPM=600 npx fast-litellm doctor',
    'npx fast-litellm doctor --json  # one document with every check',
  ],
};

const SELF_TEST_RPM = 2;

const FAIL_MODE = {
  open: 'with failMode open, calls are admitted without limits while it is down',
  closed: 'with failMode closed, every rate-limited call is denied while it is down',
} as const;

interface Resolved {
  /** What --import is given: the project's own `fast-litellm/register` when it resolves. */
  specifier: string;
  /** Its CommonJS build directory (where index.js, the API of that copy, lives). */
  apiDir: string;
}

/** The register as the project resolves it, or this package's own build (then a problem is reported). */
function registerOf(dir: string): { resolved?: Resolved; own?: Resolved } {
  try {
    const cjs = createRequire(join(dir, 'fast-litellm-doctor.js')).resolve('fast-litellm/register');
    return { resolved: { specifier: 'fast-litellm/register', apiDir: dirname(cjs) } };
  } catch {
    const esm = join(packageRoot(), 'dist', 'esm', 'register.mjs');
    return existsSync(esm) ? { own: { specifier: pathToFileURL(esm).href, apiDir: join(packageRoot(), 'dist', 'cjs') } } : {};
  }
}

function versionChecks(rep: ProjectReport): Check[] {
  const out: Check[] = [];
  for (const p of rep.packages) {
    if (p.copies.length === 0) {
      out.push({ name: p.name, status: 'skipped', detail: 'not installed' });
      continue;
    }
    for (const c of p.copies) {
      const ok = p.supported.some((r) => satisfies(c.version, r, { includePrerelease: true }));
      const whose = c.from === 'litellm' ? " (litellm's copy)" : '';
      out.push(ok
        ? { name: p.name, status: 'ok', detail: `${c.version}${whose}, supported ${p.supported.join(' || ')}` }
        : { name: p.name, status: 'problem', detail: `${c.version}${whose} is outside the supported range ${p.supported.join(' || ')}: it runs unaccelerated` });
    }
  }
  if (rep.packages.every((p) => p.copies.length === 0)) {
    out.push({ name: 'targets', status: 'problem', detail: `none of ${rep.packages.map((p) => p.name).join(', ')} is installed under ${rep.dir}: nothing to accelerate` });
  }
  return out;
}

function runSelfTest(
  dir: string,
  reg: Resolved,
  plan: SelfTestPlan,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<Check[]> {
  const script = join(__dirname, `self-test${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
  // From a checkout's src/ (tests, tsx) the self-test is TypeScript: tsx compiles it.
  const pre = script.endsWith('.ts') ? ['--import', createRequire(__filename).resolve('tsx')] : [];
  const args = [...pre, '--import', reg.specifier, script];
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: dir, env: { ...env, NODE_OPTIONS: '', FAST_LITELLM_DOCTOR_PLAN: JSON.stringify(plan) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      const why = stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
      const fail = (detail: string): Check[] => [{ name: 'self-test', status: 'problem', detail }];
      if (signal === 'SIGKILL') return done(fail(`did not finish within ${timeoutMs} ms`));
      let doc: { checks?: Check[]; error?: string };
      try {
        doc = JSON.parse(last);
      } catch {
        return done(fail(`the child process exited ${code}${why ? `: ${why}` : ''}`));
      }
      if (doc.error) return done(fail(doc.error));
      done((doc.checks ?? []).map((c) => ({ ...c, name: `self-test: ${c.name}` })));
    });
  });
}

export interface DoctorOptions {
  timeoutMs: number;
  redisTimeoutMs: number;
  selfTest: boolean;
}

export async function doctor(dir: string, o: DoctorOptions, env = process.env): Promise<Check[]> {
  const checks: Check[] = [];
  const range = nodeRange();
  const nodeOk = !range || satisfies(process.versions.node, range);
  checks.push({ name: 'Node', status: nodeOk ? 'ok' : 'problem', detail: `${process.version}${nodeOk ? ',' : ' does not satisfy'} fast-litellm needs ${range ?? 'any'}` });
  const rep = inspectProject(dir, env);
  let cfg: ReturnType<typeof projectConfig> | undefined;
  if (rep.config.ok) {
    cfg = projectConfig(dir, env);
    const file = cfg.source.file ? `config file ${cfg.source.file}` : 'no config file';
    checks.push({ name: 'configuration', status: 'ok', detail: `environment and ${file}${cfg.disabled ? '; FAST_LITELLM_DISABLE turns every feature off' : ''}` });
  } else checks.push({ name: 'configuration', status: 'problem', detail: rep.config.error });
  checks.push(...versionChecks(rep));

  const reg = registerOf(dir);
  if (reg.resolved) checks.push({ name: 'fast-litellm/register', status: 'ok', detail: `resolves from the project (${reg.resolved.apiDir})` });
  else checks.push({ name: 'fast-litellm/register', status: 'problem', detail: 'does not resolve from the project, so `node --import fast-litellm/register` fails there: npm i fast-litellm' });

  let redisOk = true;
  const redisUrl = cfg?.rateLimit.redisUrl;
  if (redisUrl === undefined) checks.push({ name: 'Redis', status: 'skipped', detail: 'FAST_LITELLM_REDIS_URL not set: limits are kept in each process' });
  else {
    const shown = redactRedisUrl(redisUrl);
    const ping = await pingRedis(redisUrl, o.redisTimeoutMs);
    redisOk = ping.ok;
    checks.push(ping.ok
      ? { name: 'Redis', status: 'ok', detail: `${shown} answered PING in ${ping.ms} ms` }
      : { name: 'Redis', status: 'problem', detail: `${shown}: ${ping.error}; ${FAIL_MODE[cfg!.rateLimit.failMode]}` });
    let ioredis = true;
    for (const from of [dir, packageRoot()]) {
      try {
        createRequire(join(from, 'x.js')).resolve('ioredis');
        ioredis = true;
        break;
      } catch {
        ioredis = false;
      }
    }
    if (!ioredis) checks.push({ name: 'ioredis', status: 'problem', detail: 'not installed, and the Redis store needs it: npm i ioredis' });
  }

  const lite = rep.packages.find((p) => p.name === 'litellm');
  const oai = rep.packages.find((p) => p.name === 'openai');
  const run = reg.resolved ?? reg.own;
  const rateLimit = cfg !== undefined && !cfg.disabled && cfg.features.rate_limiting.mode !== 'off' && redisOk;
  if (!o.selfTest) checks.push({ name: 'self-test', status: 'skipped', detail: '--no-self-test' });
  else if (!run) checks.push({ name: 'self-test', status: 'problem', detail: 'no built fast-litellm register to run it with (dist/ missing: make build)' });
  else if (!rep.config.ok) checks.push({ name: 'self-test', status: 'skipped', detail: 'the configuration cannot be read' });
  else if (!lite?.ok && !oai?.ok) checks.push({ name: 'self-test', status: 'skipped', detail: 'no supported litellm or openai to test' });
  else {
    const rateLimitSkip = rateLimit ? undefined : !redisOk ? 'Redis is unreachable' : 'rate limiting is not configured';
    const plan: SelfTestPlan = {
      apiDir: run.apiDir, litellm: Boolean(lite?.ok), openai: Boolean(oai?.ok),
      rateLimit, rateLimitSkip, rpm: SELF_TEST_RPM,
    };
    const childEnv: NodeJS.ProcessEnv = { ...env };
    if (env.FAST_LITELLM_CONFIG) childEnv.FAST_LITELLM_CONFIG = resolve(dir, env.FAST_LITELLM_CONFIG);
    if (rateLimit) {
      // A limit the check can reach in a few calls; the others out of its way. The store (memory or
      // Redis, key layout, prefix) stays the user's.
      Object.assign(childEnv, {
        FAST_LITELLM_RPM: String(SELF_TEST_RPM), FAST_LITELLM_TPM: String(LIMIT_RANGES.tpm.max),
        FAST_LITELLM_MAX_PARALLEL: String(LIMIT_RANGES.maxParallel.max), FAST_LITELLM_ON_LIMIT: 'error',
      });
    }
    checks.push(...(await runSelfTest(dir, run, plan, childEnv, o.timeoutMs)));
  }
  return checks;
}

const TAG: Record<Check['status'], string> = { ok: 'ok', problem: 'PROBLEM', skipped: 'skip' };

function block(checks: Check[]): string[] {
  const w = Math.max(...checks.map((c) => c.name.length));
  return checks.map((c) => `  ${TAG[c.status].padEnd(7)}  ${c.name.padEnd(w)}  ${c.detail}`);
}

export function renderDoctor(dir: string, checks: Check[], ms: number): string {
  const self = checks.filter((c) => c.name.startsWith('self-test: '));
  const lines = [`fast-litellm ${version()} doctor: ${resolve(dir)}`, '', ...block(checks.filter((c) => !self.includes(c)))];
  if (self.length) {
    lines.push('', 'Self-test (a child process under node --import fast-litellm/register, against the embedded mock):');
    lines.push(...block(self.map((c) => ({ ...c, name: c.name.slice('self-test: '.length) }))));
  }
  const problems = checks.filter((c) => c.status === 'problem').length;
  lines.push('', problems === 0
    ? `No problems found (${(ms / 1000).toFixed(1)} s).`
    : `${problems} problem${problems > 1 ? 's' : ''} found (${(ms / 1000).toFixed(1)} s).`);
  return lines.join('\n');
}

export async function doctorCommand(
  argv: string[],
  io: Out = stdio,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { opts, positionals } = parseArgs(argv, DOCTOR_SPEC, 'doctor');
  if (opts.help) {
    io.out(helpText(DOCTOR_HELP, DOCTOR_SPEC, exitCodesText(['ok', 'failure'])) + '\n');
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`, 'doctor');
  const dir = resolve(opts.dir ?? process.cwd());
  const t0 = performance.now();
  const { timeoutMs, redisTimeoutMs } = opts;
  const checks = await doctor(dir, { timeoutMs, redisTimeoutMs, selfTest: !opts.noSelfTest }, env);
  const ms = performance.now() - t0;
  const problems = checks.filter((c) => c.status === 'problem').length;
  if (opts.json) {
    io.out(JSON.stringify({ tool: 'fast-litellm doctor', version: version(), dir, node: process.version, problems, duration_ms: Math.round(ms), checks }, null, 2) + '\n');
  } else io.out(renderDoctor(dir, checks, ms) + '\n');
  return problems ? EXIT.failure : EXIT.ok;
}
