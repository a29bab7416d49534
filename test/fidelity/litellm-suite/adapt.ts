// The only changes made to litellm 0.12.0's own tests (node_modules/litellm/tests/*.test.ts, the
// v0.12.0 state of github zya/litellmjs) to run them against the installed dist/: import paths, and
// for e2e the Ollama rows and the mock's base URL. litellm-suite.test.ts checks that each fixture is
// exactly adapt(upstream) under its header, so no body or expectation can drift from upstream.

export interface Fixture {
  /** Path under node_modules/litellm/. */
  upstream: string;
  /** Path under test/fidelity/litellm-suite/. */
  fixture: string;
  adapt: (src: string) => string;
}

/** Replaces `from` by `to`, and fails unless it occurs exactly `times` times (upstream changed?). */
function swap(src: string, from: string, to: string, times = 1): string {
  const n = src.split(from).length - 1;
  if (n !== times) throw new Error(`adapt: expected ${times} of ${JSON.stringify(from)}, found ${n}`);
  return src.split(from).join(to);
}

const imports = (src: string, prefix: string): string =>
  src.replace(new RegExp(`from '${prefix.replace(/\./g, '\\.')}(/[^']*)?'`, 'g'), (_m, sub: string | undefined) =>
    sub === undefined ? `from 'litellm'` : `from 'litellm/dist/src${sub}'`);

export const FIXTURES: Fixture[] = [
  {
    upstream: 'tests/handlers/getHandler.test.ts',
    fixture: 'handlers/getHandler.jest.ts',
    adapt: (src) => imports(src, '../../src'),
  },
  {
    upstream: 'tests/index.test.ts',
    fixture: 'index.jest.ts',
    adapt: (src) => imports(src, '../src'),
  },
  {
    upstream: 'tests/e2e.test.ts',
    fixture: 'e2e.jest.ts',
    adapt: (src) => {
      let s = imports(src, '../src');
      // The three ollama/llama2 cases only: no other provider is reachable offline.
      const rows = s.match(/^ {6}\$\{'[^\n]*\}\n/gm) ?? [];
      for (const row of rows) if (!row.includes("${'ollama/llama2'}")) s = s.replace(row, '');
      const prompt = "const PROMPT = 'How are you today?';\n";
      const baseUrl = [
        '// adapted: the embedded mock server stands in for Ollama',
        'const BASE_URL = process.env.LITELLM_SUITE_MOCK_URL;',
        '',
      ].join('\n');
      s = swap(s, prompt, prompt + baseUrl);
      const model = '          model: model as string,\n';
      s = swap(s, model, `${model}          baseUrl: BASE_URL, // adapted\n`, 3);
      return s;
    },
  },
];

/** The fixture's body: everything after its leading comment block and the blank line that ends it. */
export function fixtureBody(text: string): string {
  const end = text.indexOf('\n\n');
  const header = end === -1 ? [] : text.slice(0, end).split('\n');
  if (header.length === 0 || !header.every((l) => l.startsWith('//'))) throw new Error('fixture: no header block');
  return text.slice(end + 2);
}
