// litellm 0.12's Anthropic handler builds `new Anthropic({ apiKey })` with no base URL, and
// @anthropic-ai/sdk 0.6 reads no ANTHROPIC_BASE_URL: the only way to point it at a mock or a gateway
// is to redirect the SDK's default base URL. Used by tests and the profiler (`--via litellm`).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageDirs } from '../shims/loader';

const DEFAULT_BASE = 'https://api.anthropic.com';
const STORE = Symbol('fastLitellmBaseUrl');

/** The SDK's client class, as far as the redirect touches it: the prototype its constructor assigns through. */
interface ClientClass {
  prototype?: { baseURL?: unknown };
}
/** A client built while the redirect is on: its base URL is kept under STORE. */
interface RedirectedClient {
  [STORE]?: string;
}

/**
 * The @anthropic-ai/sdk class litellm itself resolves: from the litellm the shim's hooks saw load,
 * else the app's (from the working directory), else the one next to this package.
 */
function anthropicClass(): ClientClass | undefined {
  const seen = packageDirs('litellm').map((dir) => join(dir, 'package.json'));
  for (const from of [...seen, join(process.cwd(), 'package.json'), __filename]) {
    try {
      const req = createRequire(from);
      const litellm = from.endsWith(`${join('litellm', 'package.json')}`) ? from : req.resolve('litellm/package.json');
      return createRequire(litellm)('@anthropic-ai/sdk') as ClientClass;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/**
 * Makes every Anthropic client created without an explicit baseURL talk to `url`.
 * Returns a function that removes the redirect. Clients given a baseURL keep it.
 */
export function redirectAnthropicSdk(url: string): () => void {
  const Anthropic = anthropicClass();
  if (!Anthropic?.prototype) throw new Error('@anthropic-ai/sdk (as used by litellm) is not installed');
  const proto = Anthropic.prototype;
  const previous = Object.getOwnPropertyDescriptor(proto, 'baseURL');
  // APIClient's constructor assigns `this.baseURL = ...`: an accessor on the prototype sees that assignment.
  Object.defineProperty(proto, 'baseURL', {
    configurable: true,
    get(this: RedirectedClient) {
      return this[STORE];
    },
    set(this: RedirectedClient, v: string) {
      this[STORE] = v === DEFAULT_BASE ? url : v;
    },
  });
  return () => {
    if (previous) Object.defineProperty(proto, 'baseURL', previous);
    else delete proto.baseURL;
  };
}
