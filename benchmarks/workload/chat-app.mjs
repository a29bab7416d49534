// A small but realistic chat app on litellm, used by benchmarks/before-after.ts: several users hold
// multi-turn conversations (OpenAI-compatible chat completions), get some answers streamed from
// Ollama, and embed what they write (OpenAI and Ollama embeddings). It knows nothing about
// fast-litellm: the same file runs under plain `node` and under `node --import fast-litellm/register`.
//
//   MOCK_URL=http://127.0.0.1:PORT node benchmarks/workload/chat-app.mjs [--users 6] [--turns 4]
//
// Prints one JSON line at exit: startup, wall time, throughput, latencies, CPU, peak RSS and a
// checksum of every answer and usage figure (equal outputs with and without the shim).
import { completion, embedding } from 'litellm';
import { createHash } from 'node:crypto';

// First statement after the imports: everything before it (loading litellm, and any --import hook)
// is the app's startup cost.
const startupMs = performance.now();

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const MOCK_URL = process.env.MOCK_URL;
if (!MOCK_URL) {
  process.stderr.write('chat-app: set MOCK_URL to the mock server URL\n');
  process.exit(2);
}
const USERS = arg('users', 6);
const TURNS = arg('turns', 4);
// The OpenAI embeddings handler of litellm 0.12 takes no baseUrl: the openai SDK reads these.
process.env.OPENAI_BASE_URL = `${MOCK_URL}/v1`;
process.env.OPENAI_API_KEY = process.env.OPENAI_API_KEY || 'sk-mock-not-a-real-key';

const SYSTEM =
  'You are a helpful support assistant for an online bookshop. Answer briefly and politely. ' +
  'Orders ship within two working days; returns are free within 30 days with the receipt. ' +
  'Gift cards never expire. Never invent order numbers; ask the customer for theirs instead. ' +
  'If a question is about a delivery delay, apologise, give the standard delivery window ' +
  '(three to five working days inside the country, seven to twelve abroad) and offer to open a ticket. ';

const QUESTIONS = [
  'Hi! I ordered three novels last Tuesday and they have not arrived yet. Can you check what is going on?',
  'My order number is 48213. Also, can I add a gift wrap to it now, or is it too late for that?',
  'Thanks. If one of the books turns out to be damaged, how do I return it, and who pays the postage?',
  'One more thing: do you have the second volume of the series in stock, in hardcover rather than paperback?',
  'Great, please put it aside for me. Could you also tell me whether gift cards can pay for pre-orders?',
  'Last question, I promise: can I change the delivery address of an order that has already been shipped?',
];

const latencies = { chat: [], stream: [], embed: [] };
// The first call of each kind to start: it pays for whatever the process still loads on a request path.
const first = { chat: undefined, stream: undefined, embed: undefined };
const started = new Set();
let errors = 0;
const digests = [];

async function timed(kind, fn) {
  const isFirst = !started.has(kind);
  started.add(kind);
  const t0 = performance.now();
  try {
    return await fn();
  } catch (err) {
    errors++;
    process.stderr.write(`chat-app: ${kind} failed: ${err && err.message ? err.message : err}\n`);
    return undefined;
  } finally {
    const ms = performance.now() - t0;
    latencies[kind].push(ms);
    if (isFirst) first[kind] = ms;
  }
}

async function user(u) {
  const hash = createHash('sha256');
  const messages = [{ role: 'system', content: SYSTEM }];
  for (let t = 0; t < TURNS; t++) {
    const question = `${QUESTIONS[(u + t) % QUESTIONS.length]} (customer ${u})`;
    messages.push({ role: 'user', content: question });
    // Every other turn the answer is streamed from a local Ollama model, as a UI would show it.
    let answer = '';
    if (t % 2 === 1) {
      await timed('stream', async () => {
        const stream = await completion({ model: 'ollama/llama3', messages, baseUrl: MOCK_URL, stream: true });
        let last;
        for await (const chunk of stream) {
          answer += chunk.choices[0].delta.content ?? '';
          last = chunk.usage;
        }
        hash.update(`s|${answer}|${JSON.stringify(last)}`);
      });
    } else {
      const res = await timed('chat', () =>
        completion({ model: 'gpt-4o-mini', messages, baseUrl: `${MOCK_URL}/v1`, apiKey: 'sk-mock-not-a-real-key' }),
      );
      answer = res?.choices?.[0]?.message?.content ?? '';
      hash.update(`c|${answer}|${JSON.stringify(res?.usage)}`);
    }
    messages.push({ role: 'assistant', content: answer });
    // Questions are embedded for search; Ollama and OpenAI models alternate across users.
    const emb = await timed('embed', () =>
      u % 2 === 0
        ? embedding({ model: 'text-embedding-3-small', input: question })
        : embedding({ model: 'ollama/nomic-embed-text', input: question, baseUrl: MOCK_URL }),
    );
    hash.update(`e|${JSON.stringify(emb?.data?.[0]?.embedding?.slice?.(0, 4))}|${JSON.stringify(emb?.usage)}`);
  }
  digests[u] = hash.digest('hex');
}

function pct(xs, q) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(Array.from({ length: USERS }, (_, u) => user(u)));
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const total = process.cpuUsage();
const all = [...latencies.chat, ...latencies.stream, ...latencies.embed];
const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
const out = {
  startupMs: round(startupMs),
  wallMs: round(wallMs),
  requests: all.length,
  errors,
  throughput: round((all.length / wallMs) * 1000),
  p50Ms: round(pct(all, 0.5)),
  p99Ms: round(pct(all, 0.99)),
  byKind: Object.fromEntries(
    Object.entries(latencies).map(([k, v]) => [
      k,
      { n: v.length, firstMs: round(first[k] ?? null), p50Ms: round(pct(v, 0.5)), p99Ms: round(pct(v, 0.99)) },
    ]),
  ),
  // Work phase only, and the whole process including startup.
  cpuMs: round((cpu.user + cpu.system) / 1000),
  cpuTotalMs: round((total.user + total.system) / 1000),
  maxRssKB: process.resourceUsage().maxRSS,
  checksum: createHash('sha256').update(digests.join(',')).digest('hex').slice(0, 16),
};
process.stdout.write(`BEFORE_AFTER_RESULT ${JSON.stringify(out)}\n`);
