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

BUCKETS = """
-- ARGV: before (0: no bound), max_key_items (0: none), bucket prefix, bucket names (distinct, one
-- a line: passed as one argument, names cost the client far less to send than keys)
-- Returns the record numbers the buckets hold (packed as stored, one string for them all), less
-- the buckets that more than max_key_items records below `before` hold (the stop words of the
-- index, as a lone scanner saw them). Numbers may run past `before` (the caller drops those);
-- counting and ranking are the caller's, in numpy: done here, in Lua, they cost Redis more than
-- everything else a scan asks of it together.
local before, max_items = tonumber(ARGV[1]), tonumber(ARGV[2])
local found = {}
for name in string.gmatch(ARGV[4], '[^\\n]+') do
  local key = ARGV[3] .. name
  if max_items == 0 then
    found[#found + 1] = redis.call('GETRANGE', key, 0, -1)
  else
    -- Up to one past the cut: a shorter answer is the whole bucket.
    local head = redis.call('GETRANGE', key, 0, max_items * 4 + 3)
    if #head <= max_items * 4 then
      found[#found + 1] = head
    elseif before > 0 and struct.unpack('>I4', head, max_items * 4 + 1) >= before then
      found[#found + 1] = string.sub(head, 1, max_items * 4)
    end
  end
end
return table.concat(found)
"""

HEADS = """
-- ARGV: doc prefix, head bytes, record numbers (4 bytes each, big-endian, in one argument)
-- Returns the first `head bytes` of each record, each behind its 2-byte length (0: gone), in one
-- string: one reply to parse for a whole take's candidates.
local parts = {}
local size = tonumber(ARGV[2])
local numbers = ARGV[3]
for at = 1, #numbers, 4 do
  local head = redis.call('GETRANGE', ARGV[1] .. struct.unpack('>I4', numbers, at), 0, size - 1)
  parts[#parts + 1] = struct.pack('>I2', #head)
  parts[#parts + 1] = head
end
return table.concat(parts)
"""

CLAIM_MANY = """
-- KEYS: seq, reading; ARGV: id prefix, claim prefix, scanner, claim lifetime in ms, then item ids
-- CLAIM for each id in one call: returns a (state, n) pair per id, the state 1 when the item is
-- indexed already, 0 when this scanner holds the claim (now or from before) with number n, 2
-- when another scanner does (it will queue the item).
local results = {}
for index = 5, #ARGV do
  local item_id = ARGV[index]
  local state, n = 0, 0
  if redis.call('EXISTS', ARGV[1] .. item_id) == 1 then
    state = 1
  else
    local claim_key = ARGV[2] .. item_id
    local holder = redis.call('GET', claim_key)
    if holder then
      local scanner, number = string.match(holder, '^(.*)|(%d+)$')
      if scanner == ARGV[3] then
        n = tonumber(number)
      else
        state = 2
      end
    else
      n = redis.call('INCR', KEYS[1])
      redis.call('SET', claim_key, ARGV[3] .. '|' .. n, 'PX', ARGV[4])
      redis.call('ZADD', KEYS[2], n, item_id)
    end
  end
  results[#results + 1] = state
  results[#results + 1] = n
end
return results
"""

GET = """
-- KEYS[1] id; ARGV[1] doc prefix; returns the record blob or nil
local n = redis.call('GET', KEYS[1])
if not n then
  return nil
end
return redis.call('GET', ARGV[1] .. n)
"""
