// Deterministic texts for the token rows: prose, source code, number-heavy text, hostile 1 MiB shapes.

// Deterministic English-like text with code and numbers, about `approxTokens` cl100k tokens.
const WORDS = ('the of and to in is that for it as with was on be by this at from or an are not but have which one all were we ' +
  'when your can said there use each she do how their if will up other about out many then them these so some her would make ' +
  'like him into time has look two more write go see number no way could people my than first water been call who its now ' +
  'find long down day did get come made may part request response model latency throughput tokenizer streaming provider ' +
  'gateway configuration deployment fallback retry budget').split(' ');
const EXTRAS = ['2024', '3.14', '42', '`const x = f(y);`', '(see below)', 'e.g.', '—', '"quoted"', 'don\'t', 'it\'s', 'API', 'JSON'];

export function prose(approxTokens: number, seed: number): string {
  let s = seed >>> 0 || 1;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const parts: string[] = [];
  let tokens = 0;
  let sentence = 0;
  while (tokens < approxTokens) {
    let w = rnd() < 0.06 ? EXTRAS[Math.floor(rnd() * EXTRAS.length)] : WORDS[Math.floor(rnd() * WORDS.length)];
    if (sentence === 0) w = w[0].toUpperCase() + w.slice(1);
    parts.push(w);
    tokens += w.length > 8 ? 2 : 1;
    sentence++;
    if (sentence > 8 && rnd() < 0.15) {
      parts[parts.length - 1] += rnd() < 0.8 ? '.' : '?';
      tokens++;
      sentence = 0;
      if (rnd() < 0.2) parts.push('\n\n');
    } else if (rnd() < 0.05) {
      parts[parts.length - 1] += ',';
      tokens++;
    }
  }
  return parts.join(' ').replace(/ \n\n /g, '\n\n');
}

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const IDENTIFIERS = ['request', 'response', 'userId', 'tokenCount', 'maxRetries', 'deployment', 'config', 'handler', 'payload',
  'stream', 'chunk', 'latencyMs', 'model_name', 'api_base', 'fallbacks', 'cooldown', 'isEnabled', 'getRouter', 'parseUsage'];
const CODE_LINES = [
  (r: () => number, a: string, b: string) => `const ${a} = await ${b}(${Math.floor(r() * 1000)}, { timeout: ${Math.floor(r() * 60_000)} });`,
  (_r: () => number, a: string) => `if (${a} !== undefined && ${a}.length > 0) {`,
  (_r: () => number, a: string, b: string) => `  return ${b}.map((x) => x.${a} ?? null).filter(Boolean);`,
  () => '}',
  (_r: () => number, a: string, b: string) => `def ${a}(self, ${b}: int = 0, **kwargs) -> dict:`,
  (_r: () => number, a: string) => `    """Return the ${a} for this deployment."""`,
  (r: () => number, a: string, b: string) => `    for i in range(${Math.floor(r() * 100)}): self.${a}[i] += ${b}[i] * 0.${Math.floor(r() * 1000)}`,
  (_r: () => number, a: string, b: string) => `export function ${a}(${b}: Record<string, unknown>): void {`,
  (_r: () => number, a: string) => `  // ${a}: see RFC 9110, section 15.5.20`,
  (r: () => number, a: string) => `  throw new Error(\`${a} failed: \${err.message} (code ${Math.floor(r() * 600)})\`);`,
  (_r: () => number, a: string, b: string) => `<div class="${a}-panel" data-${b}="true">{${a}}</div>`,
];

/** Source code (TypeScript, Python, JSX), about `approxTokens` cl100k tokens. */
export function code(approxTokens: number, seed: number): string {
  const r = lcg(seed);
  const lines: string[] = [];
  for (let chars = 0; chars < approxTokens * 3.4; ) {
    const pick = (list: string[]) => list[Math.floor(r() * list.length)];
    const line = CODE_LINES[Math.floor(r() * CODE_LINES.length)](r, pick(IDENTIFIERS), pick(IDENTIFIERS));
    lines.push(line);
    chars += line.length + 1;
  }
  return lines.join('\n');
}

/** Number-heavy text (CSV rows, JSON metrics, timestamps, amounts), about `approxTokens` cl100k tokens. */
export function numbers(approxTokens: number, seed: number): string {
  const r = lcg(seed);
  const lines: string[] = [];
  for (let chars = 0; chars < approxTokens * 2.3; ) {
    const n = (max: number) => Math.floor(r() * max);
    const line = r() < 0.5
      ? `${2020 + n(6)}-${String(1 + n(12)).padStart(2, '0')}-${String(1 + n(28)).padStart(2, '0')}T${n(24)}:${n(60)}:${n(60)}Z,${n(1e6)},${(r() * 1000).toFixed(2)},${n(100)}%,${-n(500)}`
      : `{"id": ${n(1e9)}, "tokens": ${n(200_000)}, "cost": ${(r() * 10).toFixed(6)}, "p99_ms": ${(r() * 2000).toFixed(1)}, "ratio": ${r().toExponential(3)}}`;
    lines.push(line);
    chars += line.length + 1;
  }
  return lines.join('\n');
}

export type TextKind = 'prose' | 'code' | 'numbers';
export const TEXT_KINDS: readonly TextKind[] = ['prose', 'code', 'numbers'];

export function textOf(kind: TextKind, approxTokens: number, seed: number): string {
  return kind === 'prose' ? prose(approxTokens, seed) : kind === 'code' ? code(approxTokens, seed) : numbers(approxTokens, seed);
}

const MiB = 1 << 20;
/** `unit` repeated to 1 MiB of UTF-8. */
function repeatTo1MiB(unit: string): string {
  return unit.repeat(Math.floor(MiB / Buffer.byteLength(unit)));
}

/** Hostile 1 MiB (of UTF-8) inputs: every shape that makes one long piece or many odd ones. */
export function hostileShapes(): Record<string, string> {
  const r = lcg(99);
  const from = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
  const scripts = [[0x61, 26], [0x430, 32], [0x4e00, 2000], [0x3b1, 24], [0x5d0, 27], [0x905, 40]] as const;
  const chars: string[] = [];
  for (let bytes = 0; bytes < MiB - 8; ) {
    const [base, span] = scripts[Math.floor(r() * scripts.length)];
    const c = base + Math.floor(r() * span);
    chars.push(String.fromCodePoint(c));
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  const mixed = chars.join('');
  return {
    'one letter': repeatTo1MiB('a'),
    spaces: repeatTo1MiB(' '),
    newlines: repeatTo1MiB('\n'),
    digits: repeatTo1MiB('7'),
    'punctuation run': repeatTo1MiB('!'),
    'mixed punctuation': from('!@#$%^&*()-=+[]{};:,.<>/?|~', MiB),
    'one emoji': repeatTo1MiB('😀'),
    'emoji ZWJ family': repeatTo1MiB('👨‍👩‍👧‍👦'),
    CJK: repeatTo1MiB('日'),
    'mixed scripts': mixed,
    'random letters': from('abcdefghijklmnopqrstuvwxyz', MiB),
    'lone surrogates': repeatTo1MiB('\uD800'),
    base64: Buffer.from(Array.from({ length: (MiB * 3) / 4 }, () => Math.floor(r() * 256))).toString('base64'),
  };
}
