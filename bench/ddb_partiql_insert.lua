-- ExecuteStatement "INSERT INTO usertable VALUE {...}" of ~200 B items (as ddb_put.lua writes) on
-- keys no other request uses (INSERT refuses an existing key): each wrk thread counts its own
-- keys above the preloaded KEYSPACE, in the band of RUN (a number per run of this script).
-- Loads ddb_common.lua from SHARED_BENCH_DIR.
local C = dofile(os.getenv("SHARED_BENCH_DIR") .. "ddb_common.lua")
C.install_common("ExecuteStatement INSERT")
local hdrs = C.headers("ExecuteStatement")
run = tonumber(os.getenv("RUN") or "0")

function init(args)
  non200, next_key = 0, 0
end
function request()
  next_key = next_key + 1
  local i = C.keyspace + run * 1000000000 + id * 100000000 + next_key
  local body = string.format(
    '{"Statement":"INSERT INTO \\"%s\\" VALUE {\'pk\': ?, \'f0\': ?, \'n\': ?}",' ..
    '"Parameters":[{"S":"%s"},{"S":"%s"},{"N":"%d"}]}',
    C.table, C.key(i), C.payload, i)
  return wrk.format("POST", "/", hdrs, body)
end
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 == 1 then io.stderr:write("first non-200: " .. status .. " " .. body .. "\n") end
  end
end
