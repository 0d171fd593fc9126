#!/usr/bin/env bash
# ExecuteStatement against the item operations it stands for, on one Tideline in one run:
# SELECT by whole key vs GetItem, INSERT vs PutItem, ~200 B items (issue 13's target: PartiQL at
# >= 0.8 of the item operation's throughput). Each pair is measured twice, alternating, and the
# better run of each counts (the machine is shared).
# Usage: bench/partiql_compare.sh [seconds per load, default 10]   (env: KEYS default 100000,
#        CONNS 16; SHARED_BENCH: the shared harness, default ../shared/bench)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
SECS=${1:-10}; KEYS=${KEYS:-100000}; CONNS=${CONNS:-16}
export BENCH_DIR=$SHARED/ SHARED_BENCH_DIR=$SHARED/ KEYSPACE=$KEYS AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-x} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-x}
[ -n "${SKIP_BUILD:-}" ] || {
  WITH_BENCH=1 "$ROOT/scripts/install-deps.sh"
  cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$ROOT/build" tideline >/dev/null
}
SCRATCH=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ROOT/build/tideline" serve --host 127.0.0.1 --port "$port" --data-dir "$SCRATCH/data" 2>"$SCRATCH/log" & pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/"
"$SHARED/setup_table.sh" "http://127.0.0.1:$port" usertable >/dev/null
wrk -t1 -c8 -d"$(( KEYS / 5000 + 5 ))s" -s "$SHARED/ddb_preload.lua" "$url" >/dev/null

declare -A BEST
run() { # label script
  local line rps
  line=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$2" "$url" | grep '^RESULT' | tail -1)
  echo "$1: $line"
  case $line in *" non200=0 "*) ;; *) echo "$1: requests failed" >&2; exit 1 ;; esac
  rps=$(echo "$line" | sed -n 's/.* rps=\([0-9.]*\).*/\1/p')
  if [ -z "${BEST[$1]:-}" ] || python3 -c "import sys; sys.exit(not $rps > ${BEST[$1]})"; then BEST[$1]=$rps; fi
}
echo "# $(date -u +%FT%TZ) $(nproc) cores; wrk -t2 -c$CONNS ${SECS}s per load; $KEYS keys"
wrk -t2 -c"$CONNS" -d3s -s "$SHARED/ddb_get.lua" "$url" >/dev/null  # warm-up
for RUN in 1 2; do
  export RUN
  run getitem "$SHARED/ddb_get.lua"
  run select "$ROOT/bench/ddb_partiql_select.lua"
  run putitem "$SHARED/ddb_put.lua"
  run insert "$ROOT/bench/ddb_partiql_insert.lua"
done
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
printf '\n%-34s %10s %10s %7s\n' pair partiql item ratio
printf '%-34s %10s %10s %7s\n' "SELECT by key / GetItem" "${BEST[select]}" "${BEST[getitem]}" "$(ratio "${BEST[select]}" "${BEST[getitem]}")"
printf '%-34s %10s %10s %7s\n' "INSERT / PutItem" "${BEST[insert]}" "${BEST[putitem]}" "$(ratio "${BEST[insert]}" "${BEST[putitem]}")"
