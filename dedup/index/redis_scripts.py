"""The Lua scripts that make each Redis store operation atomic, with the key layout they assume.

Key layout under a prefix P (default "dedup:"), one logical index per Redis database:

    P meta          hash    signature settings and schema version, written once, checked on open
    P seq           string  counter; every record gets the next number n, in order of arrival
    P id:<item id>  string  n of the record with that id (expires with --retain-days)
    P doc:<n>       string  the record: 2-byte id length, id, zlib body (redis_codec)
    P done          bitmap  bit n is set once record n and its flags are committed
    P k:<key hash>  set     the n of every record that has this candidate key (small ints: intsets)
    P flags         list    kept flags as JSON, in commit order
    P flag-ids      set     ids of the kept flags, so none is kept twice
    P checkpoints   hash    source -> position
    P queue         stream  records waiting to be scanned (dedup.distributed), field "n"

Buckets hold record numbers, not item ids, and bucket names are 8-byte key hashes, so an index
entry costs a few bytes per key: datasketch's Redis storage kept the full key in every bucket and
in a directory hash beside them (its issue #96: 223 MB of input became 15 GB in Redis). Scripts
build `P doc:<n>` names themselves, so the store needs a single Redis, not a cluster.
"""

from __future__ import annotations

INIT = """
-- KEYS[1] meta; ARGV: name, value, ... ; returns the stored pairs
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
end
return redis.call('HGETALL', KEYS[1])
"""

_REGISTER = """
local function register(id_key, seq_key, doc_prefix, blob, retain_s, first_bucket, last_bucket)
  local n = redis.call('INCR', seq_key)
  local doc_key = doc_prefix .. n
  if retain_s > 0 then
    redis.call('SET', id_key, n, 'EX', retain_s)
    redis.call('SET', doc_key, blob, 'EX', retain_s)
  else
    redis.call('SET', id_key, n)
    redis.call('SET', doc_key, blob)
  end
  for index = first_bucket, last_bucket do
    redis.call('SADD', KEYS[index], n)
    if retain_s > 0 then
      redis.call('EXPIRE', KEYS[index], retain_s)
    end
  end
  return n
end
"""

_KEEP_FLAGS = """
-- flag ids and JSON alternate in ARGV from `first`; returns 1/0 per flag: kept now or already kept
local function keep_flags(flags_key, flag_ids_key, first)
  local kept = {}
  for index = first, #ARGV, 2 do
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
-- KEYS: id, seq, done, flags, flag-ids, buckets...
-- ARGV: doc prefix, blob, retain_s, then flag id/JSON pairs
-- returns {0} when the id was committed before, else {1, kept per flag...}
local n = redis.call('GET', KEYS[1])
if n then
  if redis.call('GETBIT', KEYS[3], n) == 1 then
    return {0}
  end
else
  n = register(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), 6, #KEYS)
end
redis.call('SETBIT', KEYS[3], n, 1)
local kept = keep_flags(KEYS[4], KEYS[5], 4)
table.insert(kept, 1, 1)
return kept
"""
)

ENQUEUE = (
    _REGISTER
    + """
-- KEYS: id, seq, queue, buckets...; ARGV: doc prefix, blob, retain_s
-- The claim: whichever scanner gets here first registers the record and queues its number; the
-- check and the writes are one script, so two scanners reading one feed cannot both queue it.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local n = register(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), 4, #KEYS)
redis.call('XADD', KEYS[3], '*', 'n', n)
return n
"""
)

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
  result = keep_flags(KEYS[2], KEYS[3], 4)
  table.insert(result, 1, 1)
end
redis.call('XACK', KEYS[4], ARGV[2], ARGV[3])
redis.call('XDEL', KEYS[4], ARGV[3])
return result
"""
)

CANDIDATES = """
-- KEYS: buckets (distinct); ARGV: doc prefix, limit, before (0: no bound)
-- Counts shared buckets per record number below `before`, then resolves numbers to item ids in
-- order of count, skipping expired records, until `limit` live ones and every tie with the last
-- are found; returns id, count, id, count, ...  The caller orders ties by id.
local doc_prefix, limit, before = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local counts, order = {}, {}
for _, key in ipairs(KEYS) do
  for _, member in ipairs(redis.call('SMEMBERS', key)) do
    local n = tonumber(member)
    if before == 0 or n < before then
      local count = counts[n]
      if count == nil then
        counts[n] = 1
        order[#order + 1] = n
      else
        counts[n] = count + 1
      end
    end
  end
end
table.sort(order, function(a, b)
  if counts[a] ~= counts[b] then
    return counts[a] > counts[b]
  end
  return a < b
end)
local result, live, floor = {}, 0, 0
for _, n in ipairs(order) do
  local count = counts[n]
  if live >= limit and count < floor then
    break
  end
  local head = redis.call('GETRANGE', doc_prefix .. n, 0, 1)
  if #head == 2 then
    local length = string.byte(head, 1) * 256 + string.byte(head, 2)
    result[#result + 1] = redis.call('GETRANGE', doc_prefix .. n, 2, 1 + length)
    result[#result + 1] = count
    live = live + 1
    if live == limit then
      floor = count
    end
  end
end
return result
"""

GET = """
-- KEYS[1] id; ARGV[1] doc prefix; returns the record blob or nil
local n = redis.call('GET', KEYS[1])
if not n then
  return nil
end
return redis.call('GET', ARGV[1] .. n)
"""
