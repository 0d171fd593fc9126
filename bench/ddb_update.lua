-- UpdateItem with a ConditionExpression and "SET n = n + :one" on uniformly random keys in
-- [0, KEYSPACE) that ddb_preload.lua (../shared/bench) loaded (~200 B items).
-- Loads ddb_common.lua from SHARED_BENCH_DIR (the shared harness).
local C = dofile(os.getenv("SHARED_BENCH_DIR") .. "ddb_common.lua")
C.install_common("UpdateItem")
local hdrs = C.headers("UpdateItem")

function init(args)
  math.randomseed(os.time() * 1000 + id)
  non200 = 0
end
function request()
  local body = string.format(
    '{"TableName":"%s","Key":{"pk":{"S":"%s"}},"UpdateExpression":"SET n = n + :one",' ..
    '"ConditionExpression":"attribute_exists(pk) AND n >= :zero",' ..
    '"ExpressionAttributeValues":{":one":{"N":"1"},":zero":{"N":"0"}}}',
    C.table, C.key(math.random(0, C.keyspace - 1)))
  return wrk.format("POST", "/", hdrs, body)
end
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 == 1 then io.stderr:write("first non-200: " .. status .. " " .. body .. "\n") end
  end
end
