import { applyAcceleration, getPatchStatus } from '../src/index';
applyAcceleration({ features: { connection_pooling: 'on' } });
const { OpenAI } = require('openai');
const c = new OpenAI({ baseURL: 'http://127.0.0.1:1/v1', apiKey: 'sk' });
console.log(getPatchStatus().rows.filter((r: any) => r.package === 'openai'));
console.log('proto chain', Object.getPrototypeOf(OpenAI).name, Object.getPrototypeOf(Object.getPrototypeOf(OpenAI)).name);
console.log(c.fetch === globalThis.fetch, c.fetch.toString().slice(0, 80));
