// The ESM load hook (module.registerHooks in-thread, or module.register off-thread: then this file runs
// in the loaders' thread, so it imports nothing of ours). The CommonJS hooks never see an SDK's
// `.mjs` files, and ESM namespaces are read-only; for the files export rows name, the hook appends
// one statement to the module's own source that hands the main thread an object whose accessors read
// and write the module's own top-level bindings (a function or class declaration is a mutable
// binding, and every importer sees the live value). The export rows then apply to that object as
// they do to CommonJS exports. Nothing else in the module changes, and no line moves.

export interface EsmTarget {
  /** npm package name ('openai'). */
  package: string;
  /** File inside the package with its ESM extension ('internal/shims.mjs'). */
  file: string;
  /** Top-level names the rows replace or reach into ('getDefaultFetch', 'Stream'). */
  names: string[];
}

export const EXPORTS_QUEUE = 'fast-litellm.esm-exports';

let targets: EsmTarget[] = [];

/** module.register's initialize(data), and the in-thread path's setup. */
export function initialize(data: { targets?: EsmTarget[] } | undefined): void {
  targets = Array.isArray(data?.targets) ? data.targets : [];
}

function targetOf(url: string): EsmTarget | undefined {
  if (!url.startsWith('file:') || !url.endsWith('.mjs')) return undefined;
  for (const t of targets) if (url.endsWith(`/node_modules/${t.package}/${t.file}`)) return t;
  return undefined;
}

const NAME = /^[A-Za-z_$][\w$]*$/;

/** The statement to append, or undefined when the source declares none of the names at top level. */
export function exposeStatement(source: string, names: string[]): string | undefined {
  const props: string[] = [];
  for (const n of names) {
    if (!NAME.test(n)) continue;
    // Top-level declarations start a line in the SDKs' generated code; `const` can be read, not replaced.
    const mutable = new RegExp(`^(?:export\\s+)?(?:async\\s+)?(?:function\\*?|class|let|var)\\s+${n.replace(/\$/g, '\\$')}\\b`, 'm').test(source);
    const constant = !mutable && new RegExp(`^(?:export\\s+)?const\\s+${n.replace(/\$/g, '\\$')}\\b`, 'm').test(source);
    if (mutable) props.push(`${n}: { get() { return ${n}; }, set(v) { ${n} = v; }, enumerable: true }`);
    else if (constant) props.push(`${n}: { get() { return ${n}; }, enumerable: true }`);
  }
  if (props.length === 0) return undefined;
  return `\n;(globalThis[Symbol.for('${EXPORTS_QUEUE}')] ??= []).push([import.meta.url, Object.defineProperties({}, { ${props.join(', ')} })]);\n`;
}

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}
type NextLoad<R> = (url: string, context?: unknown) => R;

function rewrite(url: string, result: LoadResult): LoadResult {
  const t = targetOf(url);
  if (t === undefined || result.format !== 'module' || result.source == null) return result;
  try {
    const src = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8');
    const add = exposeStatement(src, t.names);
    return add === undefined ? result : { ...result, source: src + add };
  } catch {
    // Never break the app's import: the module loads as it is, unaccelerated.
    return result;
  }
}

/** module.register's async load hook. */
export async function load(
  url: string,
  context: unknown,
  nextLoad: NextLoad<Promise<LoadResult>>,
): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  return targetOf(url) === undefined ? result : rewrite(url, result);
}

/** module.registerHooks' synchronous load hook. */
export function loadSync(url: string, context: unknown, nextLoad: NextLoad<LoadResult>): LoadResult {
  if (targetOf(url) === undefined) return nextLoad(url, context);
  return rewrite(url, nextLoad(url, context));
}
