#!/usr/bin/env bash
# UpdateItem with a ConditionExpression and "SET n = n + :one" on ~200 B items: Tideline beside
# dynalite under the same wrk load, in one run (the shared harness's helpers and conventions).
# Usage: bench/update_compare.sh [seconds, default 15]   (env: KEYS default 100000, CONNS 16)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
SECS=${1:-15}; KEYS=${KEYS:-100000}; CONNS=${CONNS:-16}
BENCH_CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/tideline-bench-cache}
export BENCH_DIR=$SHARED/ SHARED_BENCH_DIR=$SHARED/ AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-x} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-x}
WITH_BENCH=1 "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$ROOT/build" tideline >/dev/null
[ -f "$BENCH_CACHE/node_modules/dynalite/cli.js" ] || (mkdir -p "$BENCH_CACHE" && cd "$BENCH_CACHE" && npm install --silent --no-audit --no-fund dynalite@4 >/dev/null)
SCRATCH=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
declare -A RPS P99
measure() { # label port
  local url="http://127.0.0.1:$2/" line
  "$SHARED/setup_table.sh" "http://127.0.0.1:$2" usertable >/dev/null
  KEYSPACE=$KEYS wrk -t1 -c8 -d"$(( KEYS / 5000 + 5 ))s" -s "$SHARED/ddb_preload.lua" "$url" >/dev/null
  KEYSPACE=$KEYS wrk -t2 -c"$CONNS" -d3s -s "$ROOT/bench/ddb_update.lua" "$url" >/dev/null
  line=$(KEYSPACE=$KEYS wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$ROOT/bench/ddb_update.lua" "$url" | grep '^RESULT' | tail -1)
  echo "$1 update: $line"
  RPS[$1]=$(echo "$line" | sed -n 's/.* rps=\([0-9.]*\).*/\1/p'); P99[$1]=$(echo "$line" | sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p')
}
echo "# $(date -u +%FT%TZ) $(nproc) cores; wrk -t2 -c$CONNS ${SECS}s; UpdateItem SET n = n + :one with a condition; $KEYS keys"
port=$(freeport); mkdir -p "$SCRATCH/t"
"$ROOT/build/tideline" serve --host 127.0.0.1 --port "$port" --data-dir "$SCRATCH/t" 2>"$SCRATCH/t.log" & pid=$!
waitport "$port"; measure tideline "$port"; kill "$pid"; wait "$pid" 2>/dev/null || true
port=$(freeport)
node "$BENCH_CACHE/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" --createTableMs 0 --deleteTableMs 0 --path "$SCRATCH/d" >"$SCRATCH/d.log" 2>&1 & pid=$!
waitport "$port"; measure dynalite "$port"; kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
printf '\n%-8s %12s %12s %14s\n' op tideline dynalite tideline/dyn
printf '%-8s %12s %12s %14s\n' update "${RPS[tideline]}" "${RPS[dynalite]}" "$(python3 -c "print(f'{${RPS[tideline]}/${RPS[dynalite]}:.2f}')")"
echo "p99 ms: tideline ${P99[tideline]}; dynalite ${P99[dynalite]}"
