import type { ErrorInfo } from './types';

// error.type and LiteLLM's exception_status / exception_class of an error thrown through a call:
// low-cardinality names only (never the error's message, which may quote the request).

type Err = {
  name?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; scope?: unknown; limitType?: unknown;
  headers?: unknown; constructor?: { name?: unknown };
};

const RATE_LIMITED = 'FAST_LITELLM_RATE_LIMITED';
const NAME = /^[A-Za-z_$][\w$]{0,63}$/;

function statusOf(e: Err): string {
  const s = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return s !== undefined && Number.isInteger(s) && s >= 100 && s < 600 ? String(s) : '';
}

function header(h: unknown, name: string): number | undefined {
  if (h === null || typeof h !== 'object') return undefined;
  const v = Number((h as Record<string, unknown>)[name]);
  return Number.isFinite(v) ? v : undefined;
}

export function errorInfo(err: unknown): ErrorInfo {
  if (err === null || typeof err !== 'object') return { type: '_OTHER', status: '' };
  const e = err as Err;
  const status = statusOf(e);
  const ctor = typeof e.constructor?.name === 'string' ? e.constructor.name : '';
  const name = typeof e.name === 'string' ? e.name : '';
  // A class of its own names the error best (RateLimitError, APIConnectionError); a plain Error says
  // more by its name (AbortError) or its status.
  let type = ctor !== '' && ctor !== 'Error' && ctor !== 'Object' ? ctor : name !== '' && name !== 'Error' ? name : '';
  if (!NAME.test(type)) type = status !== '' ? status : '_OTHER';
  const info: ErrorInfo = { type, status };
  if (e.code === RATE_LIMITED && typeof e.limitType === 'string') {
    info.limit = {
      scope: typeof e.scope === 'string' ? e.scope : '',
      limitType: e.limitType,
      remainingRequests: header(e.headers, 'x-ratelimit-remaining-requests'),
      remainingTokens: header(e.headers, 'x-ratelimit-remaining-tokens'),
    };
  }
  return info;
}
