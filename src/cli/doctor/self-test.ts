// The self-test `fast-litellm doctor` runs in a child process started as the user's app would be
// (`node --import fast-litellm/register`, in the project's directory): the project's own litellm and
// openai, the embedded mock server on loopback, and the fast-litellm copy the register loaded.
// Prints one JSON line: { checks: SelfCheck[] }.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startMockServer, type MockServer } from '../../mock';

export interface SelfCheck {
  name: string;
  status: 'ok' | 'problem' | 'skipped';
  detail: string;
}

export interface SelfTestPlan {
  /** Directory of the register's CommonJS build (its index.js is the API of the copy that patched). */
  apiDir: string;
  litellm: boolean;
  openai: boolean;
  rateLimit: boolean;
  /** Why the rate-limit check is skipped, when it is. */
  rateLimitSkip?: string;
  /** The rpm the parent set for the rate-limit check (FAST_LITELLM_RPM in this process). */
  rpm: number;
}

type Api = {
  getPatchStatus(): { active: boolean; rows: Array<{ id: string; state: string; reason?: string }> };
  getPoolStats(): Array<{ origin: string; requests: number; connects: number }>;
};

const messages = [{ role: 'user', content: 'fast-litellm doctor: say something short' }];
// Plain ASCII, code, accents, CJK, emoji, long text: where a tokenizer could disagree.
const TEXTS = [
  '', 'Hello, world!', 'def f(x):\n    return x ** 2  # squares\n', 'naïve café — déjà vu', '日本語のテキストです。',
  'emoji 😀👍🏽 and ZWJ 👩‍💻', '   leading and trailing spaces   ', 'The quick brown fox. '.repeat(400),
];

const key = () => `sk-doctor-${randomBytes(6).toString('hex')}`;
const rowState = (api: Api, id: string) => api.getPatchStatus().rows.find((r) => r.id === id);

function check(name: string, fn: () => Promise<string> | string): Promise<SelfCheck> {
  return Promise.resolve()
    .then(fn)
    .then(
      (detail) => ({ name, status: 'ok' as const, detail }),
      (err: unknown) => {
        if (err instanceof Skip) return { name, status: 'skipped' as const, detail: err.message };
        return { name, status: 'problem' as const, detail: err instanceof Error ? err.message : String(err) };
      },
    );
}

class Skip extends Error {}

/** '' when the row acts, a note when its feature is off (the plain path ran); throws when it cannot apply. */
function applied(api: Api, id: string): string {
  const row = rowState(api, id);
  if (!row) throw new Error(`patch row ${id} is unknown to this fast-litellm copy`);
  if (row.state === 'off') return ` (feature off: the plain path ran, row ${id})`;
  if (row.state !== 'applied') throw new Error(`patch row ${id} is ${row.state}${row.reason ? `: ${row.reason}` : ''}`);
  return '';
}

async function litellmChecks(api: Api, req: NodeRequire, mock: MockServer, plan: SelfTestPlan): Promise<SelfCheck[]> {
  const litellm = req('litellm');
  const litellmDir = dirname(req.resolve('litellm/package.json'));
  const baseUrl = `${mock.url}/v1`;
  const out: SelfCheck[] = [];
  out.push(await check('token counts equal plain litellm', () => {
    const note = applied(api, 'litellm.countTokens');
    const toUsage = req('litellm/dist/src/utils/toUsage');
    // litellm 0.12's own counter: js-tiktoken cl100k_base, the copy litellm resolves.
    const enc = createRequire(join(litellmDir, 'package.json'))('js-tiktoken').getEncoding('cl100k_base');
    const plain = (t: string) => enc.encode(t).length;
    for (const t of TEXTS) {
      const got = toUsage.countTokens(t);
      if (got !== plain(t)) throw new Error(`countTokens gave ${got}, plain litellm ${plain(t)} on a ${t.length}-character text`);
      const u = toUsage.toUsage(t, 'an answer');
      if (t && (u.prompt_tokens !== plain(t) || u.completion_tokens !== plain('an answer'))) throw new Error('toUsage differs from plain litellm');
    }
    return `countTokens and toUsage equal js-tiktoken on ${TEXTS.length} texts${note}`;
  }));
  let whole = '';
  out.push(await check('pooled completion through litellm', async () => {
    const before = mock.stats().requests;
    const r = await litellm.completion({ model: 'gpt-3.5-turbo', baseUrl, apiKey: key(), messages });
    whole = r.choices?.[0]?.message?.content ?? '';
    if (!whole) throw new Error('the answer has no content');
    if (mock.stats().requests !== before + 1) throw new Error('the mock server did not see exactly one request');
    const note = applied(api, 'openai.fetch');
    if (note) return `answered${note}`;
    const pool = api.getPoolStats().find((p) => p.origin === new URL(mock.url).origin);
    if (!pool || pool.requests < 1) throw new Error('the request did not go through the pooled transport');
    return `answered through the pool (${pool.requests} request, ${pool.connects} socket)`;
  }));
  out.push(await check('streamed completion through litellm', async () => {
    const s = await litellm.completion({ model: 'gpt-3.5-turbo', baseUrl, apiKey: key(), messages, stream: true });
    let text = '';
    let chunks = 0;
    for await (const c of s) {
      chunks++;
      text += c.choices?.[0]?.delta?.content ?? '';
    }
    if (whole && text !== whole) throw new Error('the streamed text differs from the same answer unstreamed');
    return `${chunks} chunks, the same text as the unstreamed answer${applied(api, 'openai.Stream.fromSSEResponse')}`;
  }));
  out.push(await check('rate limit denial', async () => {
    if (!plan.rateLimit) throw new Skip(plan.rateLimitSkip ?? 'rate limiting is not configured');
    const note = applied(api, 'litellm.completion.rateLimit');
    if (note) throw new Error(`rate limiting is configured but off in the process${note}`);
    const apiKey = key();
    for (let i = 0; i < plan.rpm; i++) await litellm.completion({ model: 'gpt-3.5-turbo', baseUrl, apiKey, messages });
    const before = mock.stats().requests;
    const err = await litellm.completion({ model: 'gpt-3.5-turbo', baseUrl, apiKey, messages }).then(() => undefined, (e: unknown) => e);
    if (!err) throw new Error(`call ${plan.rpm + 1} was admitted with rpm ${plan.rpm}`);
    if ((err as { code?: string }).code !== 'FAST_LITELLM_RATE_LIMITED') throw err;
    if (mock.stats().requests !== before) throw new Error('the denied call still reached the server');
    return `call ${plan.rpm + 1} denied with rpm ${plan.rpm} (429 RateLimitError), nothing sent`;
  }));
  return out;
}

async function openaiChecks(api: Api, req: NodeRequire, mock: MockServer): Promise<SelfCheck[]> {
  const mod = req('openai');
  const OpenAI = mod.OpenAI ?? mod.default ?? mod;
  const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: key(), maxRetries: 0 });
  const params = { model: 'gpt-4o-mini', messages };
  let whole = '';
  return [
    await check('pooled request through the openai SDK', async () => {
      const r = await client.chat.completions.create(params);
      whole = r.choices?.[0]?.message?.content ?? '';
      if (!whole) throw new Error('the answer has no content');
      const pool = api.getPoolStats().find((p) => p.origin === new URL(mock.url).origin);
      if (!pool || pool.requests < 1) throw new Error('the request did not go through the pooled transport');
      return `answered through the pool (${pool.requests} request)`;
    }),
    await check('streamed request through the openai SDK', async () => {
      let text = '';
      for await (const c of await client.chat.completions.create({ ...params, stream: true })) text += c.choices?.[0]?.delta?.content ?? '';
      if (whole && text !== whole) throw new Error('the streamed text differs from the same answer unstreamed');
      return 'the same text as the unstreamed answer';
    }),
  ];
}

export async function selfTest(plan: SelfTestPlan, cwd = process.cwd()): Promise<SelfCheck[]> {
  const api = require(join(plan.apiDir, 'index.js')) as Api;
  const req = createRequire(join(cwd, 'fast-litellm-doctor.js'));
  const checks: SelfCheck[] = [];
  checks.push(await check('the register hook is active', () => {
    if (!api.getPatchStatus().active) throw new Error('fast-litellm/register did not activate (FAST_LITELLM_DISABLE set?)');
    return 'fast-litellm/register activated the shim';
  }));
  const mock = await startMockServer({ replyTokens: 12 });
  try {
    if (plan.litellm) checks.push(...(await litellmChecks(api, req, mock, plan)));
    else if (plan.openai) checks.push(...(await openaiChecks(api, req, mock)));
  } finally {
    await mock.close();
  }
  checks.push(await check('patch rows', () => {
    const rows = api.getPatchStatus().rows;
    const skipped = rows.filter((r) => r.state === 'skipped');
    if (skipped.length) throw new Error(skipped.map((r) => `${r.id}: ${r.reason ?? 'skipped'}`).join('; '));
    const by = (st: string) => rows.filter((r) => r.state === st).length;
    return `${by('applied')} applied, ${by('off')} off (feature off), ${by('pending')} pending (package not loaded)`;
  }));
  return checks;
}

if (require.main === module) {
  const plan = JSON.parse(process.env.FAST_LITELLM_DOCTOR_PLAN ?? '{}') as SelfTestPlan;
  selfTest(plan).then(
    (checks) => {
      process.stdout.write(`${JSON.stringify({ checks })}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
      process.exit(0);
    },
  );
}
