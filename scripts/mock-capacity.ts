// Measures how many requests/s the embedded mock server answers, driven from a child process by
// undici.request on a Pool (the cheapest Node client) and by litellm.completion (the client under test).
// Usage: npx tsx scripts/mock-capacity.ts [--seconds 3] [--concurrency 16] [--stream]
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer } from '../src/mock';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? d : process.argv[i + 1];
};
const seconds = Number(arg('seconds', '3'));
const concurrency = Number(arg('concurrency', '16'));
const stream = process.argv.includes('--stream');
const root = join(__dirname, '..');

const CLIENT = `
const kind = process.argv[2], url = process.argv[3], conc = +process.argv[4], ms = +process.argv[5], stream = process.argv[6] === '1';
const messages = [{ role: 'user', content: 'capacity probe' }];
const body = JSON.stringify({ model: 'gpt-3.5-turbo', messages, stream });
let one;
if (kind === 'undici') {
  const { Pool } = require(${JSON.stringify(require.resolve('undici'))});
  const pool = new Pool(url, { connections: conc, pipelining: 1 });
  one = async () => { const r = await pool.request({ path: '/v1/chat/completions', method: 'POST', body, headers: { 'content-type': 'application/json' } }); await r.body.text(); if (r.statusCode !== 200) throw new Error(String(r.statusCode)); };
} else {
  const { completion } = require(${JSON.stringify(require.resolve('litellm', { paths: [root] }))});
  one = async () => { const r = await completion({ model: 'gpt-3.5-turbo', baseUrl: url + '/v1', apiKey: 'k', messages, stream }); if (stream) for await (const _ of r) {} };
}
(async () => {
  for (let i = 0; i < conc * 4; i++) await one(); // warm-up
  let done = 0, errors = 0; const end = performance.now() + ms; const t0 = performance.now(); const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: conc }, async () => { while (performance.now() < end) { try { await one(); done++; } catch { errors++; } } }));
  const el = (performance.now() - t0) / 1000; const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ rps: done / el, errors, clientCpu: (cpu.user + cpu.system) / 1e6 / el }));
  process.exit(0);
})();
`;

async function run(kind: string, url: string): Promise<any> {
  const dir = mkdtempSync(join(tmpdir(), 'mockcap-'));
  const file = join(dir, 'client.js');
  writeFileSync(file, CLIENT);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, kind, url, String(concurrency), String(seconds * 1000), stream ? '1' : '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client ${kind} exited ${code}`))));
  });
}

// A failure ends the script as an unhandled rejection: exit code 1, with the stack.
void (async () => {
  const server = await startMockServer({ replyTokens: 16 });
  for (const kind of ['undici', 'litellm']) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await run(kind, server.url);
    const cpu = process.cpuUsage(cpu0);
    // The server's CPU share over the whole run (warm-up included) shows its headroom.
    const serverCpu = (cpu.user + cpu.system) / 1e3 / (performance.now() - t0);
    console.log(`${kind.padEnd(8)} c=${concurrency} ${stream ? 'stream' : 'json  '} ${r.rps.toFixed(0).padStart(6)} req/s  errors ${r.errors}  client CPU ${(r.clientCpu * 100).toFixed(0)}%  server CPU ~${(serverCpu * 100).toFixed(0)}%`);
  }
  console.log(`server stats: ${JSON.stringify(server.stats())}`);
  await server.close();
})();
