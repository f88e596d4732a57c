"""The Lua scripts that make each of the Redis store's operations atomic; keys as in redis_keys."""

from __future__ import annotations

INIT = """
-- KEYS[1] meta; ARGV: name, value, ... ; returns the stored pairs
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
end
return redis.call('HGETALL', KEYS[1])
"""

_NUMBER_AT = """
local function number_at(key, index)
  return (struct.unpack('>I4', redis.call('GETRANGE', key, index * 4, index * 4 + 3)))
end

-- The first position in a bucket of `size` numbers whose number is >= n (size if none).
local function position_of(key, size, n)
  local low, high = 0, size
  while low < high do
    local middle = math.floor((low + high) / 2)
    if number_at(key, middle) < n then
      low = middle + 1
    else
      high = middle
    end
  end
  return low
end
"""

_REGISTER = (
    _NUMBER_AT
    + """
-- Registers one record under number n: its id key, its document, and n in each of its buckets
-- (a newline-separated list of bucket names after `bucket_prefix`), keeping buckets ascending.
local function register(n, high_key, id_key, doc_prefix, bucket_prefix, blob, buckets, retain_s)
  local is_highest = n > tonumber(redis.call('GET', high_key) or '0')
  if is_highest then
    redis.call('SET', high_key, n)
  end
  local doc_key = doc_prefix .. n
  if retain_s > 0 then
    redis.call('SET', id_key, n, 'EX', retain_s)
    redis.call('SET', doc_key, blob, 'EX', retain_s)
  else
    redis.call('SET', id_key, n)
    redis.call('SET', doc_key, blob)
  end
  local packed = struct.pack('>I4', n)
  for name in string.gmatch(buckets, '[^\\n]+') do
    local bucket = bucket_prefix .. name
    if is_highest then
      redis.call('APPEND', bucket, packed)
    else
      local at = position_of(bucket, redis.call('STRLEN', bucket) / 4, n) * 4
      redis.call('SETRANGE', bucket, at, packed .. redis.call('GETRANGE', bucket, at, -1))
    end
    if retain_s > 0 then
      redis.call('EXPIRE', bucket, retain_s)
    end
  end
end
"""
)

_KEEP_FLAGS = """
-- `count` flag id/JSON pairs in ARGV from `first`; returns 1/0 per flag: kept now or kept before
local function keep_flags(flags_key, flag_ids_key, first, count)
  local kept = {}
  for index = first, first + 2 * count - 1, 2 do
    if redis.call('SADD', flag_ids_key, ARGV[index]) == 1 then
      redis.call('RPUSH', flags_key, ARGV[index + 1])
      kept[#kept + 1] = 1
    else
      kept[#kept + 1] = 0
    end
  end
  return kept
end
"""

ADD = (
    _REGISTER
    + _KEEP_FLAGS
    + """
-- KEYS: seq, done, flags, flag-ids, high
-- ARGV: id prefix, doc prefix, bucket prefix, retain_s, then per record:
--       id, blob, bucket names, flag count, flag id/JSON pairs
-- Each record with its flags is one step of this script, so it is committed whole. Returns per
-- record {0} when its id was committed before, else {1, kept per flag...}.
local id_prefix, doc_prefix, bucket_prefix = ARGV[1], ARGV[2], ARGV[3]
local retain_s = tonumber(ARGV[4])
local results = {}
local index = 5
while index <= #ARGV do
  local id_key = id_prefix .. ARGV[index]
  local flag_count = tonumber(ARGV[index + 3])
  local n = redis.call('GET', id_key)
  local result
  if n and redis.call('GETBIT', KEYS[2], n) == 1 then
    result = {0}
  else
    if not n then
      n = redis.call('INCR', KEYS[1])
      register(n, KEYS[5], id_key, doc_prefix, bucket_prefix, ARGV[index + 1], ARGV[index + 2], retain_s)
    end
    redis.call('SETBIT', KEYS[2], n, 1)
    result = keep_flags(KEYS[3], KEYS[4], index + 4, flag_count)
    table.insert(result, 1, 1)
  end
  results[#results + 1] = result
  index = index + 4 + 2 * flag_count
end
return results
"""
)

ENQUEUE = (
    _REGISTER
    + """
-- KEYS: seq, queue, reading, high; ARGV: id prefix, doc prefix, bucket prefix, retain_s, then per
--       record: id, its claimed number, blob, bucket names
-- Registers each record not known yet under the number its claim took, and queues the number;
-- a record whose claim lapsed (and whose number others have passed) takes a new number, as if
-- read now. The id check makes this, not the claim, what keeps an item queued once. Returns per
-- record its number, or 0 where the id was known.
local id_prefix, doc_prefix, bucket_prefix = ARGV[1], ARGV[2], ARGV[3]
local retain_s = tonumber(ARGV[4])
local numbers = {}
for index = 5, #ARGV, 4 do
  local item_id = ARGV[index]
  local id_key = id_prefix .. item_id
  local claimed = redis.call('ZSCORE', KEYS[3], item_id)
  if claimed then
    redis.call('ZREM', KEYS[3], item_id)
  end
  if redis.call('EXISTS', id_key) == 1 then
    numbers[#numbers + 1] = 0
  else
    local n = tonumber(ARGV[index + 1])
    if not claimed or tonumber(claimed) ~= n then
      n = redis.call('INCR', KEYS[1])
    end
    register(n, KEYS[4], id_key, doc_prefix, bucket_prefix, ARGV[index + 2], ARGV[index + 3], retain_s)
    redis.call('XADD', KEYS[2], '*', 'n', n)
    numbers[#numbers + 1] = n
  end
end
return numbers
"""
)

READY = """
-- KEYS[1] reading; ARGV[1] claim prefix, ARGV[2] n
-- Tells whether every item numbered below n is registered, so n can be judged against exactly
-- what a lone scanner would have indexed before it. Claims that lapsed unregistered (their
-- scanner died) are dropped on the way. Returns 1 when ready, 0 while a live claim is below n.
local n = tonumber(ARGV[2])
while true do
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #first == 0 or tonumber(first[2]) >= n then
    return 1
  end
  if redis.call('EXISTS', ARGV[1] .. first[1]) == 1 then
    return 0
  end
  redis.call('ZREM', KEYS[1], first[1])
end
"""

COMMIT = (
    _KEEP_FLAGS
    + """
-- KEYS: done, flags, flag-ids, queue; ARGV: n, group, entry id, then flag id/JSON pairs
-- Commits record n's flags and acknowledges its queue entry in one step, so a scanner dying
-- between the two cannot happen; returns {0} if another scanner committed n first.
local result
if redis.call('GETBIT', KEYS[1], ARGV[1]) == 1 then
  result = {0}
else
  redis.call('SETBIT', KEYS[1], ARGV[1], 1)
  result = keep_flags(KEYS[2], KEYS[3], 4, (#ARGV - 3) / 2)
  table.insert(result, 1, 1)
end
redis.call('XACK', KEYS[4], ARGV[2], ARGV[3])
redis.call('XDEL', KEYS[4], ARGV[3])
return result
"""
)

CANDIDATES = (
    _NUMBER_AT
    + """
-- KEYS: buckets (distinct); ARGV: doc prefix, limit, before (0: no bound), max_key_items (0: none)
-- Counts shared buckets per record number below `before`, ignoring a bucket that holds more than
-- max_key_items records below `before`; then resolves numbers to item ids a count at a time,
-- highest first, skipping expired records, until a whole count level brings the live ones to
-- `limit` (so every tie with the last is there). Returns id, count, id, count, ...; the caller
-- orders ties by id and cuts to `limit`.
local doc_prefix, limit = ARGV[1], tonumber(ARGV[2])
local before, max_items = tonumber(ARGV[3]), tonumber(ARGV[4])
local counts, numbers = {}, {}
local chunk = '>' .. string.rep('I4', 64)
for _, key in ipairs(KEYS) do
  local size = redis.call('STRLEN', key) / 4
  local below = size
  if before > 0 and size > 0 and number_at(key, size - 1) >= before then
    below = position_of(key, size, before)
  end
  if below > 0 and (max_items == 0 or below <= max_items) then
    local packed = redis.call('GETRANGE', key, 0, below * 4 - 1)
    -- 64 numbers per unpack call; the last, partial chunk one at a time
    local whole = below - below % 64
    local unpacked = {}
    for position = 1, whole * 4, 256 do
      unpacked = {struct.unpack(chunk, packed, position)}
      for index = 1, 64 do
        local n = unpacked[index]
        local count = counts[n]
        if count == nil then
          counts[n] = 1
          numbers[#numbers + 1] = n
        else
          counts[n] = count + 1
        end
      end
    end
    for position = whole * 4 + 1, below * 4, 4 do
      local n = struct.unpack('>I4', packed, position)
      local count = counts[n]
      if count == nil then
        counts[n] = 1
        numbers[#numbers + 1] = n
      else
        counts[n] = count + 1
      end
    end
  end
end
-- Group by count instead of sorting: counts are at most #KEYS.
local by_count, top = {}, 0
for _, n in ipairs(numbers) do
  local count = counts[n]
  local level = by_count[count]
  if level == nil then
    by_count[count] = {n}
  else
    level[#level + 1] = n
  end
  if count > top then
    top = count
  end
end
local result, live = {}, 0
for count = top, 1, -1 do
  if live >= limit then
    break
  end
  for _, n in ipairs(by_count[count] or {}) do
    -- the id's length and, for ids up to 62 bytes, the id itself in one call
    local head = redis.call('GETRANGE', doc_prefix .. n, 0, 63)
    if #head >= 2 then
      local length = string.byte(head, 1) * 256 + string.byte(head, 2)
      if length <= 62 then
        result[#result + 1] = string.sub(head, 3, 2 + length)
      else
        result[#result + 1] = redis.call('GETRANGE', doc_prefix .. n, 2, 1 + length)
      end
      result[#result + 1] = count
      live = live + 1
    end
  end
end
return result
"""
)

CLAIM = """
-- KEYS: id, claim, seq, reading; ARGV: scanner, claim lifetime in ms, item id
-- Returns {1} when the item is indexed already, {0, n} when this scanner holds the claim (now or
-- from before) with number n, {2} when another scanner does: it will queue the item.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {1}
end
local holder = redis.call('GET', KEYS[2])
if holder then
  local scanner, n = string.match(holder, '^(.*)|(%d+)$')
  if scanner == ARGV[1] then
    return {0, tonumber(n)}
  end
  return {2}
end
local n = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], ARGV[1] .. '|' .. n, 'PX', ARGV[2])
redis.call('ZADD', KEYS[4], n, ARGV[3])
return {0, n}
"""

GET = """
-- KEYS[1] id; ARGV[1] doc prefix; returns the record blob or nil
local n = redis.call('GET', KEYS[1])
if not n then
  return nil
end
return redis.call('GET', ARGV[1] .. n)
"""
