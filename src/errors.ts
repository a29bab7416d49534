// Every error fast-litellm throws on its own account: one class per kind, one stable `code` each,
// one message style ("<where>: invalid value <v>; accepted: <what>"). Errors of the libraries we
// accelerate (a provider's 429, an SDK's APIError) are never wrapped: they reach the app unchanged.

export const CODES = Object.freeze({
  INVALID_CONFIG: 'FAST_LITELLM_INVALID_CONFIG',
  INVALID_ARGUMENT: 'FAST_LITELLM_INVALID_ARGUMENT',
  OUT_OF_RANGE: 'FAST_LITELLM_OUT_OF_RANGE',
  RATE_LIMITED: 'FAST_LITELLM_RATE_LIMITED',
  STORE_UNAVAILABLE: 'FAST_LITELLM_REDIS_UNAVAILABLE',
  NO_DEPLOYMENTS: 'FAST_LITELLM_NO_DEPLOYMENTS',
  CONTEXT_WINDOW_EXCEEDED: 'FAST_LITELLM_CONTEXT_WINDOW_EXCEEDED',
  DEPLOYMENT_TIMEOUT: 'FAST_LITELLM_DEPLOYMENT_TIMEOUT',
  USAGE: 'FAST_LITELLM_USAGE',
  MOCK_OPTION: 'FAST_LITELLM_MOCK_OPTION',
  GATEWAY_UNREACHABLE: 'FAST_LITELLM_GATEWAY_UNREACHABLE',
  MISSING_DEPENDENCY: 'FAST_LITELLM_MISSING_DEPENDENCY',
  CAPACITY: 'FAST_LITELLM_CAPACITY',
} as const);

export type ErrorCode = (typeof CODES)[keyof typeof CODES];

/** A value as it appears in a message: strings quoted, objects by kind (never their content). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** "<where>: invalid value <v>; accepted: <accepted>". */
export function invalidMessage(where: string, value: unknown, accepted: string): string {
  return `${where}: invalid value ${show(value)}; accepted: ${accepted}`;
}

/** A setting (environment variable, config file, applyAcceleration option) that cannot be used. */
export class ConfigError extends Error {
  readonly code: ErrorCode = CODES.INVALID_CONFIG;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** An argument of a public function or constructor of the wrong type or shape (like Node's ERR_INVALID_ARG_*). */
export class InvalidArgumentError extends TypeError {
  readonly code: ErrorCode = CODES.INVALID_ARGUMENT;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidArgumentError';
  }
}

/** A number outside what the function can honour (like Node's ERR_OUT_OF_RANGE). */
export class OutOfRangeError extends RangeError {
  readonly code: ErrorCode = CODES.OUT_OF_RANGE;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OutOfRangeError';
  }
}

/** An optional dependency a feature needs is not installed (ioredis for Redis, say). */
export class MissingDependencyError extends Error {
  readonly code: ErrorCode = CODES.MISSING_DEPENDENCY;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MissingDependencyError';
  }
}

/** A bounded structure that cannot take more (a store whose every key holds a parallel slot). */
export class CapacityError extends Error {
  readonly code: ErrorCode = CODES.CAPACITY;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CapacityError';
  }
}

/** Throws InvalidArgumentError in the package's message style. */
export function invalidArgument(where: string, value: unknown, accepted: string): never {
  throw new InvalidArgumentError(invalidMessage(where, value, accepted));
}

/** Throws OutOfRangeError in the package's message style. */
export function outOfRange(where: string, value: unknown, accepted: string): never {
  throw new OutOfRangeError(invalidMessage(where, value, accepted));
}

/** True for an error fast-litellm threw itself (any class above, or one carrying one of our codes). */
export function isFastLitellmError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (Object.values(CODES) as string[]).includes(code);
}
