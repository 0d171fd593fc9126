-- ExecuteStatement "SELECT * FROM usertable WHERE pk = ?" on uniformly random keys in
-- [0, KEYSPACE) that ddb_preload.lua (../shared/bench) loaded: the PartiQL twin of ddb_get.lua.
-- Loads ddb_common.lua from SHARED_BENCH_DIR (the shared harness).
local C = dofile(os.getenv("SHARED_BENCH_DIR") .. "ddb_common.lua")
C.install_common("ExecuteStatement SELECT")
local hdrs = C.headers("ExecuteStatement")

function init(args)
  math.randomseed(os.time() * 1000 + id)
  non200, misses = 0, 0
end
function request()
  local body = string.format(
    '{"Statement":"SELECT * FROM \\"%s\\" WHERE pk = ?","Parameters":[{"S":"%s"}]}',
    C.table, C.key(math.random(0, C.keyspace - 1)))
  return wrk.format("POST", "/", hdrs, body)
end
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 == 1 then io.stderr:write("first non-200: " .. status .. " " .. body .. "\n") end
  elseif #body < 20 then
    misses = misses + 1  -- {"Items":[]}
  end
end
