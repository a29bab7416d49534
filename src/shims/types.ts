import type { FeatureName } from '../config';
import type { AnyFn, GuardSpec } from './guard';

interface RowBase {
  /** Stable id, shown in status and stats under the same name: 'litellm.toUsage'. */
  id: string;
  /** npm package name. */
  package: string;
  /** semver range of the package versions this row was checked against. */
  versions: string;
  /** File inside the package, relative to its root ('dist/src/utils/toUsage.js'); '' is the package's main. */
  file: string;
  feature: FeatureName;
}

interface ExportRowBase extends RowBase {
  /**
   * The export replaced. A dotted path ('Stream.fromSSEResponse') names a property of an exported
   * object, replaced in place: the exported object itself stays the same.
   */
  export: string;
  /**
   * Another file of the package whose code fills the export in (the SDKs' `_shims/index.js` sets
   * `_shims/registry.js`'s `fetch` when it loads): the row applies once that file has loaded.
   */
  after?: string;
  /**
   * 'underneath': what the app imports stays the same objects and only a transport beneath them
   * changes. Default 'replaces-export': the export itself is another function while the feature is on.
   */
  acts?: 'replaces-export' | 'underneath';
}

/** Replaces one exported function by a guarded accelerated one. */
export interface FunctionRow extends ExportRowBase {
  /**
   * Builds the accelerated function from the original (which it may call for cases it does not
   * handle); `holder` is the object the property lives on (module exports, or the exported class).
   */
  replace: (original: AnyFn, holder: Record<string, unknown>) => AnyFn;
  guard?: Pick<GuardSpec<AnyFn>, 'async' | 'sideEffects' | 'equals' | 'requestId'>;
}

/**
 * Replaces one export by a value of our own, unguarded (a transport function, an object): the
 * replacement checks its feature itself. Use only where a guarded function cannot work.
 */
export interface ValueRow extends ExportRowBase {
  value: (original: unknown, holder: Record<string, unknown>) => unknown;
}

/**
 * Redirects resolution of the file to another module before the original runs: for work the
 * original does at load that no later patch can undo (litellm builds its encoder at import).
 */
export interface RedirectRow extends RowBase {
  /** Builds the module's exports instead of running the original file (given its path). */
  redirect: (originalFilename: string) => unknown;
}

/**
 * Defers one `require(request)` made by the file until the module is first used: the file gets a
 * stand-in whose `default` and other properties load the real module on first access. Only for
 * requests the file consumes through TypeScript's __importDefault (checked per version range).
 */
export interface DeferRow extends RowBase {
  defer: string;
}

/**
 * Compiles the file with a module-scope binding for a global its code reads by name (litellm's
 * Ollama handler calls the global `fetch`): the file's own functions run unchanged and stay the
 * module's exports, only that name resolves to `binding()`, which must behave as the global does
 * whenever it does not accelerate the call.
 */
export interface BindingRow extends RowBase {
  global: string;
  binding: () => unknown;
}

export type PatchRow = FunctionRow | ValueRow | RedirectRow | DeferRow | BindingRow;

export interface PatchTable {
  package: string;
  rows: PatchRow[];
  /** Called by removeAcceleration() after the table's rows are restored (close pools, workers). */
  dispose?: () => void | Promise<void>;
}

/**
 * applied: acting now. off: its package is loaded but its feature is off, so the original is in
 * place. pending: package not loaded yet. skipped: cannot apply (version, missing export). removed:
 * removeAcceleration() restored it.
 */
export type RowState = 'applied' | 'off' | 'pending' | 'skipped' | 'removed';

export interface RowStatus {
  id: string;
  package: string;
  file: string;
  export?: string;
  feature: FeatureName;
  /** 'replaces-export': the export is our function while applied; 'underneath': exports stay the originals. */
  acts: 'replaces-export' | 'underneath';
  state: RowState;
  /** Why a row was skipped or left (version out of range, missing export...). */
  reason?: string;
  /** Installed version of the package, when seen. */
  version?: string;
}
