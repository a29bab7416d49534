'use strict';
// What a case script of the fault matrix gets (`t`): bounded outcomes, stream exits, the SDKs, and
// the run's fault controls (mock stats, Redis kill/start/sleep) over plain node:http. Plain CommonJS
// with nothing of fast-litellm in it, so the plain run loads no line of the shim.
const http = require('node:http');
const path = require('node:path');
const { createRequire } = require('node:module');

const root = path.join(__dirname, '..', '..', '..');
const rootRequire = createRequire(path.join(root, 'package.json'));
const VOLATILE = new Set(['id', 'created', 'system_fingerprint', '_request_id']);

function normalize(v) {
  if (v === undefined) return null;
  return JSON.parse(JSON.stringify(v, (k, x) => (VOLATILE.has(k) ? undefined : typeof x === 'bigint' ? String(x) : x)) ?? 'null');
}

/** An error as an app can tell it apart: class, name, message, code and the like, and its cause's. */
function errorShape(e) {
  if (e === null || typeof e !== 'object') return { thrown: typeof e, value: String(e) };
  const s = { class: e.constructor && e.constructor.name, name: e.name, message: e.message };
  for (const k of ['code', 'status', 'errno', 'type', 'limitType', 'error']) {
    if (e[k] !== undefined) s[k] = normalize(e[k]);
  }
  const c = e.cause;
  if (c !== null && typeof c === 'object') {
    s.cause = { class: c.constructor && c.constructor.name, name: c.name, message: c.message, code: c.code };
    const cc = c.cause;
    if (cc !== null && typeof cc === 'object') s.cause.cause = { class: cc.constructor && cc.constructor.name, message: cc.message, code: cc.code };
  }
  return s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Text of a streamed chunk of any kind litellm or the SDK yields. */
function text(c) {
  if (c === null || typeof c !== 'object') return String(c);
  const ch = c.choices && c.choices[0];
  if (ch && ch.delta) return ch.delta.content ?? '';
  if (typeof c.completion === 'string') return c.completion;
  return JSON.stringify(normalize(c));
}

/** Reads `after` chunks of a stream and leaves it the way `exit` says. */
async function leave(stream, exit, after = 2) {
  const seen = [];
  if (exit === 'untouched') return seen; // never iterated: only collection can end it
  if (exit === 'abandon') {
    // Iterated, then dropped without return(): the iterator and the stream go with the garbage.
    const it = stream[Symbol.asyncIterator]();
    for (let i = 0; i < after; i++) seen.push(text((await it.next()).value));
    return seen;
  }
  if (exit === 'break') {
    for await (const c of stream) {
      seen.push(text(c));
      if (seen.length >= after) break;
    }
    return seen;
  }
  if (exit === 'return') {
    return (async () => {
      for await (const c of stream) {
        seen.push(text(c));
        if (seen.length >= after) return seen;
      }
      return seen;
    })();
  }
  if (exit === 'throw') {
    try {
      for await (const c of stream) {
        seen.push(text(c));
        if (seen.length >= after) throw new Error('the consumer stopped');
      }
    } catch (e) {
      seen.push(`threw: ${e.message}`);
    }
    return seen;
  }
  throw new Error(`unknown exit ${exit}`);
}

async function drain(stream) {
  const seen = [];
  for await (const c of stream) seen.push(text(c));
  return seen.join('');
}

/** GET <front>/__<what> with a socket of its own (no agent, nothing kept). */
function control(front, what) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${front}/__${what}`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
  });
}

function makeContext(params) {
  const env = process.env;
  const pending = new Map();
  const fired = [];
  const leaks = {};
  let seq = 0;
  const shimmed = process.execArgv.some((a) => a.includes('fast-litellm/register'));

  /** Awaits `p` at most `ms`; a promise still pending then is the answer `{ pending: label }`. */
  async function bounded(p, label, ms = 15_000) {
    const id = ++seq;
    pending.set(id, label);
    let timer;
    try {
      return await Promise.race([p, new Promise((r) => (timer = setTimeout(() => {
        fired.push(label);
        r({ pending: label });
      }, ms)))]);
    } finally {
      clearTimeout(timer);
      pending.delete(id);
    }
  }

  const t = {
    params,
    shimmed,
    mock: env.FAULT_MOCK,
    front: env.FAULT_FRONT,
    redisUrl: env.FAULT_REDIS,
    refused: env.FAULT_REFUSED,
    sleep,
    text,
    leave,
    drain,
    normalize,
    errorShape,
    bounded,
    pendingLabels: () => [...pending.values()],
    boundsFired: () => [...fired],
    /** Records what is left over (streams the server still sends, ...): compared as at most plain's. */
    leak(name, count) {
      leaks[name] = count;
    },
    leaks: () => ({ ...leaks }),

    /** `{ ok: value }` or `{ error: shape }`, or `{ pending: label }` when it did not settle within ms. */
    outcome(fn, label = 'call', ms = 15_000) {
      const p = (async () => ({ ok: normalize(await (typeof fn === 'function' ? fn() : fn)) }))()
        .catch((e) => ({ error: errorShape(e) }));
      return bounded(p, label, ms);
    },

    /** Counts outcomes by what an app would branch on: ok, or the error's class and limit type. */
    tally(outcomes) {
      const out = {};
      for (const o of outcomes) {
        const k = o.ok !== undefined ? 'ok' : o.pending ? 'pending' : `${o.error.class}${o.error.limitType ? `:${o.error.limitType}` : ''}`;
        out[k] = (out[k] ?? 0) + 1;
      }
      return out;
    },

    litellm: () => rootRequire('litellm'),

    /** The openai SDK of a major: 4 as litellm resolves it, 5-7 from their fixture folders. */
    openai(major) {
      const req = major === 4 ? createRequire(rootRequire.resolve('litellm'))
        : createRequire(path.join(root, 'test', 'fixtures', `openai-${major}`, 'package.json'));
      const mod = req('openai');
      return mod.default ?? mod.OpenAI ?? mod;
    },

    /** Points the @anthropic-ai/sdk copy litellm uses at `url` (it takes no base URL from litellm). */
    anthropicAt(url) {
      const mod = createRequire(rootRequire.resolve('litellm'))('@anthropic-ai/sdk');
      const proto = (mod.default ?? mod).prototype;
      const store = Symbol('baseURL');
      Object.defineProperty(proto, 'baseURL', {
        configurable: true,
        get() { return this[store]; },
        set(v) { this[store] = v === 'https://api.anthropic.com' ? url : v; },
      });
    },

    control: (what) => control(env.FAULT_FRONT, what),
    stats: () => control(env.FAULT_FRONT, 'stats'),

    /** Polls the mock's stats until `done(stats)` or `ms` passed (collecting garbage when `gc`); the last stats. */
    async waitStats(done, ms = 1500, gc = false) {
      const end = Date.now() + ms;
      for (;;) {
        if (gc && global.gc) global.gc();
        const s = await control(env.FAULT_FRONT, 'stats');
        if (done(s) || Date.now() > end) return s;
        await sleep(50);
      }
    },

    /** A synchronous busy loop: the event loop hears nothing for `ms`. */
    spin(ms) {
      const end = Date.now() + ms;
      while (Date.now() < end) { /* busy */ }
    },

    async gc() {
      if (!global.gc) return false;
      for (let i = 0; i < 3; i++) {
        global.gc();
        await sleep(20);
      }
      return true;
    },

    /** After the case: collect garbage (when the row asks) and let closing handles close. */
    async settle() {
      if (params.gc) await t.gc();
      await sleep(100);
    },
  };
  return t;
}

module.exports = { makeContext, errorShape, normalize };
