import { applyAcceleration } from '../src/index';
import { startMockChild } from './lib/mock';
import path from 'node:path';
async function main() {
  const mock = await startMockChild(path.join(__dirname, '..'));
  const url = mock.url;
  const { OpenAI } = require('openai');
  const messages = [{ role: 'user', content: 'Tell me about connection pools' }];
  applyAcceleration({ features: { connection_pooling: 'off' } });
  const base = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk' });
  applyAcceleration({ features: { connection_pooling: 'on' } });
  const fast = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk' });
  console.log('fast fetch pooled?', fast.fetch !== base.fetch, fast.fetch.name, base.fetch.name);
  async function load(c: any, conc: number, ms: number) {
    let n = 0; const end = performance.now() + ms; const cpu0 = process.cpuUsage(); const t0 = performance.now();
    await Promise.all(Array.from({ length: conc }, async () => { while (performance.now() < end) { await c.chat.completions.create({ model: 'gpt-3.5-turbo', messages }); n++; } }));
    const cpu = process.cpuUsage(cpu0); const s = (performance.now() - t0) / 1000;
    return { rps: n / s, cpuUs: (cpu.user + cpu.system) / n };
  }
  for (const conc of [1, 8, 32]) {
    const rb: number[] = [], rf: number[] = [], cb: number[] = [], cf: number[] = [];
    for (let r = 0; r < 6; r++) {
      for (const [name, c] of (r % 2 ? [['f', fast], ['b', base]] : [['b', base], ['f', fast]]) as any) {
        applyAcceleration({ features: { connection_pooling: name === 'f' ? 'on' : 'off' } });
        await load(c, conc, 100);
        const x = await load(c, conc, 700);
        (name === 'f' ? rf : rb).push(x.rps); (name === 'f' ? cf : cb).push(x.cpuUs);
      }
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    console.log(`c=${conc} base ${med(rb).toFixed(0)} req/s ${med(cb).toFixed(0)} µs cpu | fast ${med(rf).toFixed(0)} req/s ${med(cf).toFixed(0)} µs cpu | ratio ${(med(rf) / med(rb)).toFixed(2)}`);
  }
  await mock.close();
  process.exit(0);
}
main();
