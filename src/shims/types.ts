import type { FeatureName } from '../config';
import type { AnyFn, GuardSpec } from './guard';

interface RowBase {
  /** Stable id, shown in status and stats: 'litellm.toUsage'. */
  id: string;
  /** npm package name. */
  package: string;
  /** semver range of the package versions this row was checked against. */
  versions: string;
  /** File inside the package, relative to its root ('dist/src/utils/toUsage.js'); '' is the package's main. */
  file: string;
  feature: FeatureName;
}

/** Replaces one exported function by a guarded accelerated one. */
export interface FunctionRow extends RowBase {
  export: string;
  /** Builds the accelerated function from the original (which it may call for cases it does not handle). */
  replace: (original: AnyFn) => AnyFn;
  guard?: Pick<GuardSpec<AnyFn>, 'async' | 'sideEffects' | 'equals' | 'requestId'>;
}

/**
 * Replaces one export by a value of our own, unguarded (a class, an object): the replacement
 * checks its feature itself. Use only where a function wrapper cannot work.
 */
export interface ValueRow extends RowBase {
  export: string;
  value: (original: unknown) => unknown;
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

export type PatchRow = FunctionRow | ValueRow | RedirectRow | DeferRow;

export interface PatchTable {
  package: string;
  rows: PatchRow[];
  /** Called by removeAcceleration() after the table's rows are restored (close pools, workers). */
  dispose?: () => void | Promise<void>;
}

export type RowState = 'applied' | 'pending' | 'skipped' | 'removed';

export interface RowStatus {
  id: string;
  package: string;
  file: string;
  export?: string;
  feature: FeatureName;
  state: RowState;
  /** Why a row was skipped or left (version out of range, missing export...). */
  reason?: string;
  /** Installed version of the package, when seen. */
  version?: string;
}
