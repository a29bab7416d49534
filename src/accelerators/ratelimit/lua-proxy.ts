// LiteLLM proxy key layout (litellm/proxy/hooks/parallel_request_limiter_v3.py), run by Redis for one
// item (see lua.ts). For a descriptor D such as "api_key:<sha256 of the key>" or
// "model_per_key:<sha256>:<model>":
//   {D}:window                 window start, unix seconds (string), EX window seconds
//   {D}:requests               requests in the window (INCR)
//   {D}:tokens                 tokens in the window (INCRBYFLOAT, TTL set once)
//   {D}:max_parallel_requests  in-flight requests (INCR on start, -1 on end), read by the proxy too
//   {D}:fast_litellm_slots     our leases behind that count (sorted set of ids by expiry): a lease
//                              that expires gives its unit back, a release of an id never added is
//                              a no-op, so the shared count never loses or gains a unit to us
// The window is fixed and starts at the first request after the previous one ended, like LiteLLM's.
// KEYS per item: window, requests, tokens, then (with maxParallel) max_parallel_requests and our
// slots; one hash tag, so one cluster slot.

export const PROXY_BODY = `local Ws = math.floor(W / 1000)
local function unitsBack(n)
  if n <= 0 then return end
  local np = redis.call('DECRBY', KEYS[4], n)
  if np < 0 then redis.call('SET', KEYS[4], 0, 'EX', Ws) end
end
if op == 'r' then
  local n = redis.call('ZREM', KEYS[5], x)
  unitsBack(n)
  return 1, n, 0, 0, 0, 0, 0
end
if op == 'f' then
  if not redis.call('ZSCORE', KEYS[5], x) then return 1, 0, 0, 0, 0, 0, 0 end
  redis.call('ZADD', KEYS[5], now + L, x)
  keepFor(KEYS[5], L)
  redis.call('EXPIRE', KEYS[4], Ws)
  return 1, 1, 0, 0, 0, 0, 0
end
local nows = math.floor(now / 1000)
local ws = tonumber(redis.call('GET', KEYS[1]))
local fresh = (not ws) or (nows - ws >= Ws)
if fresh then ws = nows end
local rc, tc = 0, 0
if not fresh then
  rc = tonumber(redis.call('GET', KEYS[2])) or 0
  tc = tonumber(redis.call('GET', KEYS[3])) or 0
end
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
  local dr, dt = x, y
  if fresh then
    -- The window ended since the check: only usage beyond the reservation still counts.
    rc = math.max(0, dr); tc = math.max(0, dt); open()
  else
    if dr ~= 0 then redis.call('SET', KEYS[2], math.max(0, rc + dr), 'KEEPTTL') end
    addTokens(dt)
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
local p = 0
if op == 'C' and mp > 0 then
  unitsBack(redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now))
  p = tonumber(redis.call('GET', KEYS[4])) or 0
  if p >= mp then return 0, 3, 0, 50, 50, remR, remT end
  redis.call('INCR', KEYS[4])
  redis.call('EXPIRE', KEYS[4], Ws)
  redis.call('ZADD', KEYS[5], now + L, y)
  keepFor(KEYS[5], L)
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
