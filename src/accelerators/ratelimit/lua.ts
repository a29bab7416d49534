// Lua run atomically by Redis: one EVALSHA carries every check, release or reconcile made in the
// same tick for one limiter (its spec), each item atomic and in call order.
//
// ARGV: 1 windowMs, 2 algorithm ('s' | 'b'), 3 rpm, 4 tpm, 5 maxParallel (0 = not set), then per item
//       consume: op ('c', or 'C' to also take a parallel slot), now ms, cost
//       adjust:  op 'a', now ms, dRequests, dTokens, dParallel
// KEYS: 1 per item (our layout) or 4 (LiteLLM proxy layout).
// Reply: 7 integers per item, flat (nested arrays cost Redis and ioredis ~1 us more per item):
//        allowed, type (1 requests, 2 tokens, 3 max_parallel_requests), remaining, resetMs,
//        retryAfterMs, remainingRequests, remainingTokens, -1 standing for "unlimited";
//        an adjust answers 1 and six zeros.

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
`;

/**
 * Our own layout: one string per key, the state packed as little-endian doubles (struct.pack):
 * sliding window (48 B) window id, requests current/previous, tokens current/previous, parallel;
 * token bucket (24 B) requests TAT, tokens TAT, parallel. One GET and one SET PX per call: cheaper
 * in Redis CPU than a hash's per-field string conversions.
 */
const NATIVE_BODY = `if alg == 's' then
  local q = math.floor(now / W)
  local raw = redis.call('GET', k)
  local w, rc, rp, tc, tp, p = q, 0, 0, 0, 0, 0
  if raw and #raw == 48 then w, rc, rp, tc, tp, p = struct.unpack('<dddddd', raw) end
  if w ~= q then
    if q - w == 1 then rp = rc; tp = tc else rp = 0; tp = 0 end
    rc = 0; tc = 0
  end
  local el = now - q * W
  local ttl = 2 * W - el
  if op == 'a' then
    rc = math.max(0, rc + x); tc = math.max(0, tc + y); p = math.max(0, p + z)
    redis.call('SET', k, struct.pack('<dddddd', q, rc, rp, tc, tp, p), 'PX', math.ceil(ttl))
    return 1, 0, 0, 0, 0, 0, 0
  end
  local cost = x
  local weight = (W - el) / W
  local reset = math.ceil(W - el)
  local estR = rp * weight + rc
  local estT = tp * weight + tc
  local remR, remT = -1, -1
  if rpm > 0 then remR = math.max(0, math.floor(EPS + rpm - estR)) end
  if tpm > 0 then remT = math.max(0, math.floor(EPS + tpm - estT)) end
  if rpm > 0 and estR + 1 > rpm + EPS then
    return 0, 1, remR, reset, swretry(W, rpm, 1, rc, rp, el), remR, remT
  end
  if tpm > 0 and estT + cost > tpm + EPS then
    return 0, 2, remT, reset, swretry(W, tpm, cost, tc, tp, el), remR, remT
  end
  if op == 'C' and mp > 0 then
    if p >= mp then return 0, 3, 0, 50, 50, remR, remT end
    p = p + 1
  end
  rc = rc + 1; tc = tc + cost
  redis.call('SET', k, struct.pack('<dddddd', q, rc, rp, tc, tp, p), 'PX', math.ceil(ttl))
  if rpm > 0 then remR = math.max(0, math.floor(EPS + rpm - estR - 1)) end
  if tpm > 0 then remT = math.max(0, math.floor(EPS + tpm - estT - cost)) end
  if rpm > 0 then return 1, 1, remR, reset, 0, remR, remT end
  if tpm > 0 then return 1, 2, remT, reset, 0, remR, remT end
  return 1, 3, mp - p, 0, 0, remR, remT
end
-- token bucket (GCRA): rt / tt hold the theoretical arrival time of requests / tokens
local raw = redis.call('GET', k)
local rt, tt, p = 0, 0, 0
if raw and #raw == 24 then rt, tt, p = struct.unpack('<ddd', raw) end
if rt < now then rt = now end
if tt < now then tt = now end
local function save()
  local ttl = math.max(rt, tt) - now
  if p > 0 and ttl < W then ttl = W end
  redis.call('SET', k, struct.pack('<ddd', rt, tt, p), 'PX', math.max(1, math.ceil(ttl)))
end
if op == 'a' then
  if rpm > 0 then rt = math.max(now, rt + x * W / rpm) end
  if tpm > 0 then tt = math.max(now, tt + y * W / tpm) end
  p = math.max(0, p + z)
  save()
  return 1, 0, 0, 0, 0, 0, 0
end
local cost = x
local remR, remT, reset = -1, -1, 0
local nr, nt = rt, tt
if rpm > 0 then
  local T = W / rpm
  nr = rt + T
  remR = math.max(0, math.floor(EPS + (W - (rt - now)) / T))
  if nr - now > W + EPS then return 0, 1, remR, math.ceil(rt - now), math.max(1, math.ceil(nr - W - now)), remR, remT end
  reset = nr - now
end
if tpm > 0 then
  local T = W / tpm
  nt = tt + cost * T
  remT = math.max(0, math.floor(EPS + (W - (tt - now)) / T))
  if nt - now > W + EPS then
    local retry = -1
    if cost <= tpm then retry = math.max(1, math.ceil(nt - W - now)) end
    return 0, 2, remT, math.ceil(tt - now), retry, remR, remT
  end
  if rpm == 0 then reset = nt - now end
end
if op == 'C' and mp > 0 then
  if p >= mp then return 0, 3, 0, 50, 50, remR, remT end
  p = p + 1
end
rt = nr; tt = nt
save()
if rpm > 0 then remR = math.max(0, math.floor(EPS + (W - (rt - now)) * rpm / W)) end
if tpm > 0 then remT = math.max(0, math.floor(EPS + (W - (tt - now)) * tpm / W)) end
if rpm > 0 then return 1, 1, remR, math.ceil(reset), 0, remR, remT end
if tpm > 0 then return 1, 2, remT, math.ceil(reset), 0, remR, remT end
return 1, 3, mp - p, 0, 0, remR, remT
`;

/**
 * LiteLLM proxy layout (litellm/proxy/hooks/parallel_request_limiter_v3.py), for a descriptor D such as
 * "api_key:<sha256 of the key>" or "model_per_key:<sha256>:<model>":
 *   {D}:window                 window start, unix seconds (string), EX window seconds
 *   {D}:requests               requests in the window (INCR)
 *   {D}:tokens                 tokens in the window (INCRBYFLOAT, TTL set once)
 *   {D}:max_parallel_requests  in-flight requests (INCR on start, -1 on end)
 * The window is fixed and starts at the first request after the previous one ended, like LiteLLM's.
 * KEYS: window, requests, tokens, max_parallel_requests (one hash tag: one cluster slot).
 */
const PROXY_BODY = `local Ws = math.floor(W / 1000)
local nows = math.floor(now / 1000)
local ws = tonumber(redis.call('GET', KEYS[1]))
local fresh = (not ws) or (nows - ws >= Ws)
if fresh then ws = nows end
local rc, tc = 0, 0
if not fresh then
  rc = tonumber(redis.call('GET', KEYS[2])) or 0
  tc = tonumber(redis.call('GET', KEYS[3])) or 0
end
local p = tonumber(redis.call('GET', KEYS[4])) or 0
local function open()
  if fresh then
    redis.call('SET', KEYS[1], tostring(ws), 'EX', Ws)
    redis.call('SET', KEYS[2], rc, 'EX', Ws)
    redis.call('SET', KEYS[3], tc, 'EX', Ws)
  end
end
local function addTokens(d)
  if d == 0 then return end
  local t = tonumber(redis.call('INCRBYFLOAT', KEYS[3], d))
  if t < 0 then redis.call('SET', KEYS[3], 0, 'KEEPTTL') end
  if redis.call('TTL', KEYS[3]) == -1 then redis.call('EXPIRE', KEYS[3], Ws) end
end
if op == 'a' then
  local dr, dt, dp = x, y, z
  if fresh then
    -- The window ended since the check: only usage beyond the reservation still counts.
    rc = math.max(0, dr); tc = math.max(0, dt); open()
  else
    if dr ~= 0 then redis.call('SET', KEYS[2], math.max(0, rc + dr), 'KEEPTTL') end
    addTokens(dt)
  end
  if dp ~= 0 then
    local np = redis.call('INCRBY', KEYS[4], dp)
    if np < 0 then redis.call('SET', KEYS[4], 0) end
    redis.call('EXPIRE', KEYS[4], Ws)
  end
  return 1, 0, 0, 0, 0, 0, 0
end
local cost = x
local reset = math.max(1, (ws + Ws) * 1000 - now)
local remR, remT = -1, -1
if rpm > 0 then remR = math.max(0, rpm - rc) end
if tpm > 0 then remT = math.max(0, math.floor(EPS + tpm - tc)) end
if rpm > 0 and rc + 1 > rpm then return 0, 1, remR, reset, reset, remR, remT end
if tpm > 0 and tc + cost > tpm + EPS then
  local retry = reset
  if cost > tpm then retry = -1 end
  return 0, 2, remT, reset, retry, remR, remT
end
if op == 'C' and mp > 0 then
  if p >= mp then return 0, 3, 0, 50, 50, remR, remT end
  redis.call('INCR', KEYS[4])
  redis.call('EXPIRE', KEYS[4], Ws)
  p = p + 1
end
if fresh then
  rc = 1; tc = cost; open()
else
  redis.call('INCR', KEYS[2])
  addTokens(cost)
  rc = rc + 1; tc = tc + cost
end
if rpm > 0 then remR = math.max(0, rpm - rc) end
if tpm > 0 then remT = math.max(0, math.floor(EPS + tpm - tc)) end
if rpm > 0 then return 1, 1, remR, reset, 0, remR, remT end
if tpm > 0 then return 1, 2, remT, reset, 0, remR, remT end
return 1, 3, mp - p, 0, 0, remR, remT
`;

// The body runs once per item as run(keys, op, now, x, y, z): x is the cost of a consume, or
// x, y, z the request, token and parallel deltas of an adjust.
const LOOP = (keysPerItem: 1 | 4): string => `${COMMON}
local W, alg, rpm, tpm, mp = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function run(${keysPerItem === 1 ? 'k' : 'KEYS'}, op, now, x, y, z)
${keysPerItem === 1 ? NATIVE_BODY : PROXY_BODY}end
local out, n, a = {}, 0, 6
for i = 0, #KEYS / ${keysPerItem} - 1 do
  local op = ARGV[a]
  local y, z
  if op == 'a' then y = tonumber(ARGV[a + 3]); z = tonumber(ARGV[a + 4]) end
  out[n + 1], out[n + 2], out[n + 3], out[n + 4], out[n + 5], out[n + 6], out[n + 7] =
    run(${keysPerItem === 1 ? 'KEYS[i + 1]' : '{KEYS[i * 4 + 1], KEYS[i * 4 + 2], KEYS[i * 4 + 3], KEYS[i * 4 + 4]}'}, op, tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), y, z)
  n = n + 7
  if op == 'a' then a = a + 5 else a = a + 3 end
end
return out
`;

export const NATIVE_SCRIPT = LOOP(1);
export const LITELLM_PROXY_SCRIPT = LOOP(4);
