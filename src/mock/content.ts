// Deterministic reply text and embedding vectors: the same seed, model and prompt give the same output.

// Words that are one cl100k token each when preceded by a space, so a reply of N mock tokens is
// close to N real tokens and tokens/s figures computed by a client's own counter stay comparable.
const ASCII_WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an ' +
  'they you were her she there one all we their can has more when will would been some if out what other ' +
  'time new only its also may about after first into two over people like just then could them these than ' +
  'model data token stream server request reply fast light simple quick test value'
).split(' ');

// Every word carries at least one multi-byte character, so a cut inside a character is always possible.
const UNICODE_WORDS = [
  'café', 'naïve', 'über', 'señor', 'façade', 'crème', 'déjà', 'smörgås', 'Ωmega', 'λambda',
  '東京', '日本', '中文', '한국', 'Привет', 'мир', 'ümlaut', 'piñata', 'coöp', '€uro', '★star', '✓ok',
  'naïveté', 'Zürich', '🙂', '🚀go',
];

export function hashString(text: string, seed: number): number {
  // FNV-1a over UTF-16 units: cheap and stable across runs.
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Reply {
  /** The reply cut into mock tokens; joined they give `text`. */
  tokens: string[];
  text: string;
}

const CACHE_MAX = 2048;
const cache = new Map<string, Reply>();

/** Deterministic reply of `count` tokens for this seed, model and prompt. */
export function makeReply(seed: number, model: string, prompt: string, count: number, unicode: boolean): Reply {
  const key = `${seed}\u0000${unicode ? 1 : 0}\u0000${count}\u0000${model}\u0000${prompt}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const words = unicode ? UNICODE_WORDS : ASCII_WORDS;
  const rand = mulberry32(hashString(prompt, hashString(model, seed)));
  const tokens = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const w = words[Math.floor(rand() * words.length)];
    tokens[i] = i === 0 ? w : ' ' + w;
  }
  const reply = { tokens, text: tokens.join('') };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, reply);
  return reply;
}

/** Deterministic unit-length vector for this seed and input. */
export function makeEmbedding(seed: number, input: string, dims: number): number[] {
  const rand = mulberry32(hashString(input, seed));
  const v = new Array<number>(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    v[i] = rand() * 2 - 1;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm) || 1;
  // Rounded through float32 so the float and base64 encodings of one vector decode to equal numbers.
  const f32 = new Float32Array(dims);
  for (let i = 0; i < dims; i++) f32[i] = v[i] / norm;
  return Array.from(f32);
}

export function embeddingBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Prompt size estimate (chars / 4): the mock never runs a tokenizer, it must stay cheaper than its clients. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}
