// The router's one Redis script: a batch of operations applied atomically in one round trip.
// ARGV: key prefix, key layout ('n' ours, 'l' LiteLLM's), now (ms), then operations:
//   U id model window dRpm dTpm ttlMs           usage of a window (rpm INCRBY, tpm INCRBYFLOAT)
//   B id delta ttlMs                             calls in flight (least-busy)
//   L kind id value atMs maxLen ttlMs            a latency ('l') or time-to-first-token ('f') sample
//   C id ms payload                              a cooldown (the key's TTL is the cooldown)
//   R n tokens busy ttlMs busyTtlMs (id model window rpmMax tpmMax) x n
//                                                takes the call on the first candidate under its rpmMax/tpmMax
//                                                (-1: none) and not cooling down: { taken (1-based, 0: none),
//                                                { 1 | 0 over | 2 cooled, rpm, tpm, busy, cooldown ms }
//                                                per one checked;
//                                                rpm/tpm/busy nil when neither read nor written }
//   S n what window (id model) x n               the current numbers of n deployments
// Keys are per deployment, each with a TTL; nothing is a whole-group blob rewritten by its last
// writer. Floats go back as strings (Lua numbers would be truncated to integers on the way out).

export const ROUTE_SCRIPT = `
local p = ARGV[1]
local compat = ARGV[2] == 'l'
local i = 4
local out = {}

local function hhmm(window)
  local m = tonumber(window) % 1440
  return string.format('%02d-%02d', math.floor(m / 60), m % 60)
end
local function ukey(id, model, window, kind)
  if compat then return 'global_router:' .. id .. ':' .. model .. ':' .. kind .. ':' .. hhmm(window) end
  return p .. 'u:' .. id .. ':' .. window .. ':' .. kind
end
local function cdkey(id)
  if compat then return 'deployment:' .. id .. ':cooldown' end
  return p .. 'cd:' .. id
end
local function expire_new(key, ttl)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ttl) end
end
local function num(v)
  if not v then return 0 end
  return tonumber(v) or 0
end

while i <= #ARGV do
  local op = ARGV[i]
  if op == 'U' then
    local id, model, window = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
    local dr, dt, ttl = tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5]), tonumber(ARGV[i + 6])
    if dr ~= 0 then
      local k = ukey(id, model, window, 'rpm')
      redis.call('INCRBY', k, dr)
      expire_new(k, ttl)
    end
    if dt ~= 0 then
      local k = ukey(id, model, window, 'tpm')
      local v = tonumber(redis.call('INCRBYFLOAT', k, dt))
      if v < 0 then redis.call('SET', k, 0, 'KEEPTTL') end
      expire_new(k, ttl)
    end
    i = i + 7
  elseif op == 'B' then
    local k = p .. 'b:' .. ARGV[i + 1]
    local v = redis.call('INCRBY', k, tonumber(ARGV[i + 2]))
    if v < 0 then redis.call('SET', k, 0) end
    redis.call('PEXPIRE', k, tonumber(ARGV[i + 3]))
    i = i + 4
  elseif op == 'L' then
    local k = p .. ARGV[i + 1] .. ':' .. ARGV[i + 2]
    redis.call('LPUSH', k, ARGV[i + 3] .. ':' .. ARGV[i + 4])
    redis.call('LTRIM', k, 0, tonumber(ARGV[i + 5]) - 1)
    redis.call('PEXPIRE', k, tonumber(ARGV[i + 6]))
    i = i + 7
  elseif op == 'C' then
    local k = cdkey(ARGV[i + 1])
    local ms = tonumber(ARGV[i + 2])
    if redis.call('PTTL', k) < ms then redis.call('SET', k, ARGV[i + 3], 'PX', ms) end
    i = i + 4
  elseif op == 'R' then
    local n, tokens = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    local busy, ttl, bttl = ARGV[i + 3] == '1', tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5])
    i = i + 6
    local taken = 0
    local rows = {}
    for j = 1, n do
      local id, model, window = ARGV[i], ARGV[i + 1], ARGV[i + 2]
      local rmax, tmax = tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
      i = i + 5
      if taken == 0 then
        local rk, tk, bk = ukey(id, model, window, 'rpm'), ukey(id, model, window, 'tpm'), p .. 'b:' .. id
        -- Read only what a decision needs (limits set); what is neither read nor written goes back as nil.
        local rpm, tpm, b = false, false, false
        if rmax >= 0 then rpm = num(redis.call('GET', rk)) end
        if tmax >= 0 then tpm = num(redis.call('GET', tk)) end
        local status = 1
        local cd = redis.call('PTTL', cdkey(id))
        if cd > 0 then
          status = 2
        elseif (rmax >= 0 and rpm + 1 > rmax) or (tmax >= 0 and tpm + tokens > tmax) then
          status = 0
        else
          rpm = redis.call('INCRBY', rk, 1)
          if rpm == 1 then redis.call('PEXPIRE', rk, ttl) end
          if tokens ~= 0 then
            tpm = tonumber(redis.call('INCRBYFLOAT', tk, tokens))
            if tpm == tokens then redis.call('PEXPIRE', tk, ttl) end
          end
          if busy then
            b = redis.call('INCRBY', bk, 1)
            redis.call('PEXPIRE', bk, bttl)
          end
          taken = j
        end
        local function str(v) if v then return tostring(v) end return false end
        rows[j] = { status, str(rpm), str(tpm), str(b), cd }
      end
    end
    out[#out + 1] = { taken, rows }
  elseif op == 'S' then
    local n, what, window = tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3]
    local wc, wb = string.find(what, 'c'), string.find(what, 'b')
    local wu, wl = string.find(what, 'u'), string.find(what, 'l')
    local rows = {}
    i = i + 4
    for j = 1, n do
      local id, model = ARGV[i], ARGV[i + 1]
      local row = { 0, false, '0', '0', '0', {}, {} }
      if wc then
        local k = cdkey(id)
        row[1] = redis.call('PTTL', k)
        if row[1] > 0 then row[2] = redis.call('GET', k) end
      end
      if wb then row[3] = tostring(num(redis.call('GET', p .. 'b:' .. id))) end
      if wu then
        row[4] = tostring(num(redis.call('GET', ukey(id, model, window, 'rpm'))))
        row[5] = tostring(num(redis.call('GET', ukey(id, model, window, 'tpm'))))
      end
      if wl then
        row[6] = redis.call('LRANGE', p .. 'l:' .. id, 0, -1)
        row[7] = redis.call('LRANGE', p .. 'f:' .. id, 0, -1)
      end
      rows[j] = row
      i = i + 2
    end
    out[#out + 1] = rows
  else
    return redis.error_reply('fast-litellm router: unknown operation ' .. tostring(op))
  end
end
return out
`;
