import { NATIVE_BODY } from './lua-native';
import { PROXY_BODY } from './lua-proxy';

// Lua run atomically by Redis: one EVALSHA carries every check, adjust, release or refresh made in
// the same tick for one limiter (its spec), each item atomic and in call order.
//
// ARGV: 1 windowMs, 2 algorithm ('s' | 'b'), 3 rpm, 4 tpm, 5 maxParallel (0 = not set),
//       6 slot lease ms, then per item an op and its arguments:
//       'c' now cost            consume                    'a' now dRequests dTokens   adjust counts
//       'C' now cost slotId     consume and take a slot    'r' now slotId              release a slot
//                                                          'f' now slotId              refresh a slot
// KEYS: per item, 1 (our layout) or 3 (LiteLLM proxy layout), plus 1 / 2 for slots with maxParallel.
// Reply: 7 integers per item, flat (nested arrays cost Redis and ioredis ~1 us more per item):
//        allowed, type (1 requests, 2 tokens, 3 max_parallel_requests), remaining, resetMs,
//        retryAfterMs, remainingRequests, remainingTokens, -1 standing for "unlimited";
//        an adjust answers 1 and six zeros, a release or refresh 1, whether the slot was held, zeros.

const COMMON = `
local EPS = 1e-7
local function swretry(W, limit, cost, cur, prev, el)
  if cost > limit then return -1 end
  if cur + cost > limit then
    local e2 = W * (1 - (limit - cost) / cur)
    if e2 < 0 then e2 = 0 end
    return math.max(1, math.ceil(W - el + e2))
  end
  return math.max(1, math.ceil(W * (1 - (limit - cost - cur) / prev) - el))
end
-- A key holding leases lives at least as long as the longest lease from now.
local function keepFor(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
`;

/** Arguments after the op, per op (see above). */
const ARGS = `local NARGS = { c = 2, C = 3, a = 3, r = 2, f = 2 }`;

const LOOP = (layout: 'native' | 'proxy'): string => {
  const base = layout === 'native' ? 1 : 3;
  const params = layout === 'native' ? 'k, sk' : 'KEYS';
  const keys = layout === 'native'
    ? 'KEYS[ki], KEYS[ki + 1]'
    : '{KEYS[ki], KEYS[ki + 1], KEYS[ki + 2], KEYS[ki + 3], KEYS[ki + 4]}';
  return `${COMMON}${ARGS}
local W, alg, rpm, tpm = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local mp, L = tonumber(ARGV[5]), tonumber(ARGV[6])
local function run(${params}, op, now, x, y)
${layout === 'native' ? NATIVE_BODY : PROXY_BODY}end
local per = ${base}
if mp > 0 then per = per + ${layout === 'native' ? 1 : 2} end
local out, n, a, ki = {}, 0, 7, 1
while ki <= #KEYS do
  local op = ARGV[a]
  local nargs = NARGS[op]
  local x, y = ARGV[a + 2], ARGV[a + 3]
  if op ~= 'r' and op ~= 'f' then x = tonumber(x) end
  if op == 'a' then y = tonumber(y) end
  out[n + 1], out[n + 2], out[n + 3], out[n + 4], out[n + 5], out[n + 6], out[n + 7] =
    run(${keys}, op, tonumber(ARGV[a + 1]), x, y)
  n = n + 7
  a = a + 1 + nargs
  ki = ki + per
end
return out
`;
};

export const NATIVE_SCRIPT = LOOP('native');
export const LITELLM_PROXY_SCRIPT = LOOP('proxy');
