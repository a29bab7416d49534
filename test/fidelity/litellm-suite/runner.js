'use strict';
// Runs litellm's own jest tests (the *.jest.ts fixtures here) with Node's own `require`, so that
// whatever hooks the process has (`-r fast-litellm/register`, `--import ...`) see litellm load as
// they would in an app. jest itself would load litellm through its own module registry, which no
// require hook reaches.
//
//   node [-r fast-litellm/register | --import fast-litellm/register] test/fidelity/litellm-suite/runner.js [fixture...]
//
// Each fixture runs in its own child process (node flags passed on), as jest gives each test file a
// fresh module registry: a file's jest.mock() must not leak into the next file. Prints one JSON line
// per test: { file, id, name, pass, error }, then per file { file, done, tests, unhandled }.
// Env: LITELLM_SUITE_MOCK_URL (else a mock server is started here, from the built dist/).
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const HERE = __dirname;
const FIXTURES = ['handlers/getHandler.jest.ts', 'index.jest.ts', 'e2e.jest.ts'];
const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

if (process.argv[2] === '--file') {
  runFile(path.resolve(process.argv[3])).then(
    () => process.exit(0),
    (err) => {
      out({ file: rel(path.resolve(process.argv[3])), crash: true, error: describeError(err) });
      process.exit(2);
    },
  );
} else {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

function rel(file) {
  return path.relative(HERE, file).split(path.sep).join('/');
}

async function main(args) {
  const files = (args.length > 0 ? args : FIXTURES).map((f) => path.resolve(HERE, f));
  let mock;
  const env = { ...process.env };
  if (!env.LITELLM_SUITE_MOCK_URL) {
    mock = await require(path.join(HERE, '..', '..', '..', 'dist', 'cjs', 'mock')).startMockServer({});
    env.LITELLM_SUITE_MOCK_URL = mock.url;
  }
  let failed = 0;
  for (const file of files) {
    const lines = await runChild(file, env);
    for (const l of lines) if (l.pass === false || l.crash) failed++;
  }
  await mock?.close();
  return failed === 0 ? 0 : 1;
}

function runChild(file, env) {
  return new Promise((resolve) => {
    const args = [...process.execArgv, __filename, '--file', file];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = [];
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        process.stdout.write(`${line}\n`);
        try {
          lines.push(JSON.parse(line));
        } catch {
          // the tests' own console output: relayed, not parsed
        }
      }
    });
    child.on('close', (code, signal) => {
      if (!lines.some((l) => l.done || l.crash)) {
        const crash = { file: rel(file), crash: true, error: `child exited ${code ?? signal} before finishing` };
        out(crash);
        lines.push(crash);
      }
      resolve(lines);
    });
  });
}

// ---- one fixture, in this process ----

function describeError(err) {
  const strip = (s) => String(s).replace(/\u001b\[[0-9;]*m/g, '');
  if (err instanceof Error) return strip(`${err.name}: ${err.message}`).slice(0, 4000);
  return strip(`thrown: ${typeof err === 'string' ? err : JSON.stringify(err)}`).slice(0, 4000);
}

/** TypeScript to CommonJS as ts-jest does it: jest.mock() calls hoisted above the file's imports. */
function compile(source, filename) {
  const ts = require('typescript');
  const HOISTED = new Set(['mock', 'unmock', 'enableAutomock', 'disableAutomock', 'deepUnmock']);
  const isJestMock = (st) =>
    ts.isExpressionStatement(st) &&
    ts.isCallExpression(st.expression) &&
    ts.isPropertyAccessExpression(st.expression.expression) &&
    ts.isIdentifier(st.expression.expression.expression) &&
    st.expression.expression.expression.text === 'jest' &&
    HOISTED.has(st.expression.expression.name.text);
  const hoist = () => (sf) => {
    const mocks = sf.statements.filter(isJestMock);
    return ts.factory.updateSourceFile(sf, [...mocks, ...sf.statements.filter((s) => !isJestMock(s))]);
  };
  // litellm's own tsconfig (target es2016, commonjs, esModuleInterop) as ts-jest used it.
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      target: ts.ScriptTarget.ES2016,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      strict: true,
    },
    transformers: { before: [hoist] },
  });
  return outputText;
}

/** jest's `each`: an array of rows (objects: $field titles; arrays: printf titles) or a tagged template. */
function eachRows(table, values) {
  if (Array.isArray(table) && Array.isArray(table.raw)) {
    // As jest-each: the headings are the first string, without whitespace, split on '|'.
    const heads = table[0].replace(/\s/g, '').split('|');
    if (values.length % heads.length !== 0) {
      throw new Error(`each: ${values.length} values for ${heads.length} columns`);
    }
    const rows = [];
    for (let i = 0; i < values.length; i += heads.length) {
      rows.push(Object.fromEntries(heads.map((h, j) => [h, values[i + j]])));
    }
    return rows.map((r) => ({ args: [r], vars: r }));
  }
  if (!Array.isArray(table)) throw new Error('each: a table must be an array or a tagged template');
  return table.map((r) => {
    if (Array.isArray(r)) return { args: r };
    return r !== null && typeof r === 'object' ? { args: [r], vars: r } : { args: [r] };
  });
}

function eachTitle(title, row, index) {
  const { format } = require('node:util');
  if (row.vars) {
    const keys = Object.keys(row.vars).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    let t = title;
    if (keys.length > 0) {
      t = t.replace(new RegExp(`\\$(${keys.join('|')})[.\\w]*`, 'g'), (m) => {
        let v = row.vars;
        for (const k of m.slice(1).split('.')) v = v == null ? undefined : v[k];
        return v === null || (typeof v !== 'object' && typeof v !== 'function') ? String(v) : format('%o', v);
      });
    }
    return t.replace('$#', String(index));
  }
  const args = row.args.slice();
  return title.replace(/%([%sdifjop#])/g, (m, c) => {
    if (c === '%') return '%';
    if (c === '#') return String(index);
    if (args.length === 0) return m;
    const v = args.shift();
    if (c === 'p' || c === 'o' || c === 'j') return format('%o', v);
    if (c === 'd' || c === 'i') return String(c === 'i' ? Math.trunc(Number(v)) : Number(v));
    if (c === 'f') return String(Number(v));
    return String(v);
  });
}

async function runFile(file) {
  const { expect } = require('expect');
  const { ModuleMocker } = require('jest-mock');
  const mocker = new ModuleMocker(globalThis);
  const tests = [];
  const stack = [];
  const unhandled = [];
  process.on('unhandledRejection', (reason) => unhandled.push(describeError(reason)));

  const addTest = (name, fn, timeout) => tests.push({ name: [...stack, name].join(' '), fn, timeout: timeout ?? 5000 });
  const it = (name, fn, timeout) => addTest(name, fn, timeout);
  it.each = (table, ...values) => (title, fn, timeout) => {
    eachRows(table, values).forEach((row, i) => addTest(eachTitle(title, row, i), () => fn(...row.args), timeout));
  };
  const describe = (name, fn) => {
    stack.push(name);
    try {
      fn();
    } finally {
      stack.pop();
    }
  };

  const testModule = new Module(file, null);
  testModule.filename = file;
  testModule.paths = Module._nodeModulePaths(path.dirname(file));
  const jest = {
    fn: mocker.fn.bind(mocker),
    spyOn: mocker.spyOn.bind(mocker),
    clearAllMocks: () => mocker.clearAllMocks(),
    resetAllMocks: () => mocker.resetAllMocks(),
    restoreAllMocks: () => mocker.restoreAllMocks(),
    /**
     * jest.mock(name, factory) for CommonJS: every require() that resolves to the module's file gets
     * the factory's result, made on first require. Here: a loaded module record in require.cache at
     * that path (as the test file resolves it, and as litellm resolves it), so litellm's own
     * require('openai') is answered by the stub without running the SDK's file.
     */
    mock(name, factory) {
      if (typeof factory !== 'function') {
        throw new Error(`jest.mock(${JSON.stringify(name)}) without a factory (automock): not supported here`);
      }
      const fromTest = Module._resolveFilename(name, testModule);
      const litellmDir = path.dirname(Module._resolveFilename('litellm', testModule));
      const fromLitellm = require.resolve(name, { paths: [litellmDir] });
      let made = false;
      let value;
      for (const filename of new Set([fromTest, fromLitellm])) {
        const stub = new Module(filename, null);
        stub.filename = filename;
        stub.paths = Module._nodeModulePaths(path.dirname(filename));
        stub.loaded = true;
        Object.defineProperty(stub, 'exports', {
          configurable: true,
          enumerable: true,
          get() {
            if (!made) {
              made = true;
              value = factory();
            }
            return value;
          },
          set(v) {
            made = true;
            value = v;
          },
        });
        require.cache[filename] = stub;
      }
      return jest;
    },
  };
  Object.assign(globalThis, { describe, it, test: it, expect, jest });

  testModule._compile(compile(fs.readFileSync(file, 'utf8'), file), file);

  for (const [index, t] of tests.entries()) {
    const id = `${rel(file)}#${index}`;
    expect.setState({
      assertionCalls: 0,
      expectedAssertionsNumber: null,
      isExpectingAssertions: false,
      currentTestName: t.name,
      testPath: file,
    });
    let timer;
    try {
      await Promise.race([
        Promise.resolve().then(() => t.fn()),
        new Promise((_r, reject) => {
          timer = setTimeout(() => reject(new Error(`Exceeded timeout of ${t.timeout} ms for a test.`)), t.timeout);
        }),
      ]);
      const assertionErrors = expect.extractExpectedAssertionsErrors();
      if (assertionErrors.length > 0) throw assertionErrors[0].error;
      out({ file: rel(file), id, name: t.name, pass: true, error: null });
    } catch (err) {
      out({ file: rel(file), id, name: t.name, pass: false, error: describeError(err) });
    } finally {
      clearTimeout(timer);
    }
  }
  // Let late rejections of the last test surface before the file is reported done.
  await new Promise((r) => setTimeout(r, 50));
  out({ file: rel(file), done: true, tests: tests.length, unhandled });
}
