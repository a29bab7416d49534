import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { applyAcceleration } from '../../src/index';
import { getPoolStats } from '../../src/shims/pooling';

export const root = join(__dirname, '..', '..');
export const MAJORS = [5, 6, 7] as const;
export type Major = (typeof MAJORS)[number];

/** Installs the fixture's node_modules when missing (scripts/fixtures.sh; a no-op when up to date). */
export function ensureFixture(name: string): string {
  execFileSync('bash', [join(root, 'scripts', 'fixtures.sh'), name], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(root, 'test', 'fixtures', name);
}

/** `require` as an app in the fixture folder resolves (its own openai, under its real name). */
export function fixtureRequire(name: string): NodeJS.Require {
  return createRequire(join(ensureFixture(name), 'package.json'));
}

export const openaiOf = (major: Major): any => fixtureRequire(`openai-${major}`)('openai');

export const poolRequests = (): number => getPoolStats().reduce((n, s) => n + s.requests, 0);

/** Both rows on (shimmed) or off (the originals in place: plain). */
export function shim(on: boolean): void {
  const mode = on ? 'on' : 'off';
  applyAcceleration({ features: { connection_pooling: mode, streaming: mode } });
}

const strip = (v: any): any => (v !== null && typeof v === 'object' && 'id' in v ? { ...v, id: 0, created: 0 } : v);

function errorShape(e: any): unknown {
  return {
    err: e?.constructor?.name, name: e?.name, status: e?.status, message: e?.message,
    cause: e?.cause === undefined ? undefined : { name: e.cause?.constructor?.name, message: e.cause?.message },
    error: e?.error,
  };
}

/** A call's outcome as an app sees it: the value (streams collected, items kept up to an error) or the error. */
export async function settle(p: Promise<any> | (() => Promise<any>)): Promise<unknown> {
  const items: unknown[] = [];
  try {
    const r = await (typeof p === 'function' ? p() : p);
    if (r && typeof r[Symbol.asyncIterator] === 'function') {
      for await (const c of r) items.push(strip(c));
      return { stream: items };
    }
    return { ok: strip(r) };
  } catch (e: any) {
    return { items, ...(errorShape(e) as object) };
  }
}

/** A logger that records what the SDK logs (v5+ log bad SSE JSON through the client's logger). */
export function recordingLogger(): { logger: Record<string, (...a: unknown[]) => void>; lines: unknown[][] } {
  const lines: unknown[][] = [];
  const at = (level: string) => (...a: unknown[]) => { lines.push([level, ...a]); };
  return { logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }, lines };
}

const CHUNK = (content: string) =>
  `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}`;

/** The text's bytes cut two bytes into its first 4-byte character. */
function cutInsideChar(text: string): Buffer[] {
  const b = Buffer.from(text);
  const at = b.indexOf(0xf0) + 2;
  return [b.subarray(0, at), b.subarray(at)];
}

/** Raw event streams beyond the mock's: each is a list of network writes. */
export const SSE_CASES: Record<string, (string | Buffer)[]> = {
  plain: [`data: ${CHUNK('a')}\n\ndata: ${CHUNK('b')}\n\ndata: [DONE]\n\n`],
  badJson: [`data: ${CHUNK('a')}\n\n`, 'data: {nope\n\n', 'data: [DONE]\n\n'],
  errorPayload: [`data: ${CHUNK('a')}\n\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n`],
  errorEvent: [`data: ${CHUNK('a')}\n\nevent: error\ndata: {"error":{"message":"boom"},"message":"bad"}\n\n`],
  noTrailingBlank: [`data: ${CHUNK('a')}\n\n`, `data: ${CHUNK('last')}`],
  afterDone: [`data: ${CHUNK('a')}\n\ndata: [DONE]\n\ndata: not json\n\n`],
  doneSuffix: [`data: ${CHUNK('a')}\n\ndata: [DONE] trailing\n\ndata: ${CHUNK('b')}\n\n`],
  crlf: [`: hi\r\n\r\ndata: ${CHUNK('a')}\r\n\r\ndata: ${CHUNK('b')}\r\n\r\ndata: [DONE]\r\n\r\n`],
  comments: [': ping\n\n', `data: ${CHUNK('a')}\n\n: ping\n\n`, 'data: {bad\n\n'],
  splitUtf8: cutInsideChar(`data: ${CHUNK('h\u00e9 \u{1F600}')}\n\ndata: [DONE]\n\n`),
  namedThread: [`event: thread.run.created\ndata: {"id":"run"}\n\ndata: ${CHUNK('a')}\n\n`],
};

/** A loopback server answering chat completions with SSE_CASES[x-sse-case], one write per part. */
export async function startSseServer(): Promise<{ url: string; close(): Promise<void> }> {
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const parts = SSE_CASES[String(req.headers['x-sse-case'])] ?? SSE_CASES.plain;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const next = () => {
        if (i === parts.length) return res.end();
        // Bytes, so a cut inside a character stays cut.
        res.write(typeof parts[i] === 'string' ? Buffer.from(parts[i++] as string) : parts[i++]);
        setTimeout(next, 2);
      };
      next();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }),
  };
}
