// Our own key layout, run by Redis for one item (see lua.ts for the loop, the arguments and the reply).
// KEYS per item: the state string, then (only with maxParallel) the slot leases.
//
// State: one string per key, packed as little-endian doubles (struct.pack): sliding window (40 B)
// window id, requests current/previous, tokens current/previous; token bucket (16 B) the requests and
// tokens TATs. One GET and one SET PX per call: cheaper in Redis CPU than a hash's field conversions.
// Slots: a sorted set of lease ids scored by their expiry (ms, client clock): a slot is taken by
// ZADD, freed by ZREM (a no-op for an id never added), and comes back by itself once it expires.

export const NATIVE_BODY = `local function takeSlot(now, id)
  redis.call('ZREMRANGEBYSCORE', sk, '-inf', now)
  local n = redis.call('ZCARD', sk)
  if n >= mp then return -1 end
  redis.call('ZADD', sk, now + L, id)
  keepFor(sk, L)
  return n + 1
end
if op == 'r' then return 1, redis.call('ZREM', sk, x), 0, 0, 0, 0, 0 end
if op == 'f' then
  if not redis.call('ZSCORE', sk, x) then return 1, 0, 0, 0, 0, 0, 0 end
  redis.call('ZADD', sk, now + L, x)
  keepFor(sk, L)
  return 1, 1, 0, 0, 0, 0, 0
end
if alg == 's' then
  local q = math.floor(now / W)
  local raw = redis.call('GET', k)
  local w, rc, rp, tc, tp = q, 0, 0, 0, 0
  if raw and #raw == 40 then w, rc, rp, tc, tp = struct.unpack('<ddddd', raw) end
  if w ~= q then
    if q - w == 1 then rp = rc; tp = tc else rp = 0; tp = 0 end
    rc = 0; tc = 0
  end
  local el = now - q * W
  local ttl = math.ceil(2 * W - el)
  if op == 'a' then
    rc = math.max(0, rc + x); tc = math.max(0, tc + y)
    redis.call('SET', k, struct.pack('<ddddd', q, rc, rp, tc, tp), 'PX', ttl)
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
  local p = 0
  if op == 'C' and mp > 0 then
    p = takeSlot(now, y)
    if p < 0 then return 0, 3, 0, 50, 50, remR, remT end
  end
  rc = rc + 1; tc = tc + cost
  redis.call('SET', k, struct.pack('<ddddd', q, rc, rp, tc, tp), 'PX', ttl)
  if rpm > 0 then remR = math.max(0, math.floor(EPS + rpm - estR - 1)) end
  if tpm > 0 then remT = math.max(0, math.floor(EPS + tpm - estT - cost)) end
  if rpm > 0 then return 1, 1, remR, reset, 0, remR, remT end
  if tpm > 0 then return 1, 2, remT, reset, 0, remR, remT end
  return 1, 3, mp - p, 0, 0, remR, remT
end
-- token bucket (GCRA): rt / tt hold the theoretical arrival time of requests / tokens
local raw = redis.call('GET', k)
local rt, tt = 0, 0
if raw and #raw == 16 then rt, tt = struct.unpack('<dd', raw) end
if rt < now then rt = now end
if tt < now then tt = now end
local function save()
  redis.call('SET', k, struct.pack('<dd', rt, tt), 'PX', math.max(1, math.ceil(math.max(rt, tt) - now)))
end
if op == 'a' then
  if rpm > 0 then rt = math.max(now, rt + x * W / rpm) end
  if tpm > 0 then tt = math.max(now, tt + y * W / tpm) end
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
  if nr - now > W + EPS then
    return 0, 1, remR, math.ceil(rt - now), math.max(1, math.ceil(nr - W - now)), remR, remT
  end
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
local p = 0
if op == 'C' and mp > 0 then
  p = takeSlot(now, y)
  if p < 0 then return 0, 3, 0, 50, 50, remR, remT end
end
rt = nr; tt = nt
save()
if rpm > 0 then remR = math.max(0, math.floor(EPS + (W - (rt - now)) * rpm / W)) end
if tpm > 0 then remT = math.max(0, math.floor(EPS + (W - (tt - now)) * tpm / W)) end
if rpm > 0 then return 1, 1, remR, math.ceil(reset), 0, remR, remT end
if tpm > 0 then return 1, 2, remT, math.ceil(reset), 0, remR, remT end
return 1, 3, mp - p, 0, 0, remR, remT
`;
