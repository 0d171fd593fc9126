-- The loads of bench/index_bench.sh, on a table with two global secondary indexes:
--   byGroup (ProjectionType ALL):       g (S) HASH, n (N) RANGE
--   byTag   (ProjectionType KEYS_ONLY): t (S) HASH
-- Items (~200 B): pk, f0 (VALUE_BYTES of payload), n, g (one of GSI_GROUPS), t (one of TAGS).
-- bench/index_preload.py loads keys 0..KEYSPACE-1 first. OP selects the load:
--   put      PutItem of new items (uniformly random keys in [0, KEYSPACE), use a huge KEYSPACE):
--            each one adds an entry to both indexes.
--   update   UpdateItem "SET n = n + :one, t = :t" on preloaded keys, with a condition that the
--            item exists: every update moves the item's entry in byGroup (its sort key n changes)
--            and, 99 times in 100, in byTag (a new random tag).
--   query    Query byGroup for a random group, Limit QUERY_LIMIT (default 10); misses= counts
--            answers that did not hold QUERY_LIMIT items (the preload gives every group more).
-- Loads ddb_common.lua from SHARED_BENCH_DIR (the shared harness).
local C = dofile(os.getenv("SHARED_BENCH_DIR") .. "ddb_common.lua")
local op = os.getenv("OP") or "put"
local groups = tonumber(os.getenv("GSI_GROUPS") or "1000")
local tags = tonumber(os.getenv("TAGS") or "100")
local query_limit = tonumber(os.getenv("QUERY_LIMIT") or "10")
local target = ({put = "PutItem", update = "UpdateItem", query = "Query"})[op]
if not target then error("OP must be put, update or query, not " .. op) end
C.install_common("Index" .. target)
local hdrs = C.headers(target)

local function group(i) return string.format("group%05d", i % groups) end
local function tag(i) return string.format("tag%03d", i % tags) end
local function item(i, g, t, n)
  return string.format('{"pk":{"S":"%s"},"f0":{"S":"%s"},"n":{"N":"%d"},"g":{"S":"%s"},"t":{"S":"%s"}}',
                       C.key(i), C.payload, n, g, t)
end

local expect_count = string.format('"Count":%d', query_limit)

function init(args)
  math.randomseed(os.time() * 1000 + id)
  non200, misses = 0, 0
end

local bodies = {
  put = function()
    local i = math.random(0, C.keyspace - 1)
    return string.format('{"TableName":"%s","Item":%s}', C.table,
                         item(i, group(math.random(0, groups - 1)), tag(math.random(0, tags - 1)), i))
  end,
  update = function()
    return string.format(
      '{"TableName":"%s","Key":{"pk":{"S":"%s"}},"UpdateExpression":"SET n = n + :one, t = :t",' ..
      '"ConditionExpression":"attribute_exists(pk)",' ..
      '"ExpressionAttributeValues":{":one":{"N":"1"},":t":{"S":"%s"}}}',
      C.table, C.key(math.random(0, C.keyspace - 1)), tag(math.random(0, tags - 1)))
  end,
  query = function()
    return string.format(
      '{"TableName":"%s","IndexName":"byGroup","KeyConditionExpression":"g = :g",' ..
      '"ExpressionAttributeValues":{":g":{"S":"%s"}},"Limit":%d}',
      C.table, group(math.random(0, groups - 1)), query_limit)
  end,
}
local body = bodies[op]

function request()
  return wrk.format("POST", "/", hdrs, body())
end

function response(status, headers, resp)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 == 1 then io.stderr:write("first non-200: " .. status .. " " .. resp .. "\n") end
    return
  end
  if op == "query" and not resp:find(expect_count, 1, true) then
    misses = misses + 1
    if misses == 1 then io.stderr:write("short query answer: " .. resp:sub(1, 200) .. "\n") end
  end
end
