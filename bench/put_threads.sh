#!/usr/bin/env bash
# PutItem throughput of `tideline serve --threads 1` against `--threads 2` (random keys, ~200 B
# items, the shared harness's wrk script), for one or more server binaries, interleaved so that
# the machine's load drifts over all of them alike.
# Usage: bench/put_threads.sh [seconds, default 10] [binary...]   (default binary: build/tideline)
# Env: CONNS (default 16), REPS (default 2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
SECS=${1:-10}; shift || true
BINARIES=("$@"); [ ${#BINARIES[@]} -gt 0 ] || BINARIES=("$ROOT/build/tideline")
CONNS=${CONNS:-16}; REPS=${REPS:-2}
export BENCH_DIR=$SHARED/ AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-x} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-x}
SCRATCH=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONNS ${SECS}s PutItem"
for rep in $(seq "$REPS"); do
  for bin in "${BINARIES[@]}"; do
    for threads in 1 2; do
      port=$(freeport); rm -rf "$SCRATCH/d"; mkdir -p "$SCRATCH/d"
      "$bin" serve --host 127.0.0.1 --port "$port" --data-dir "$SCRATCH/d" --threads "$threads" \
        2>"$SCRATCH/log" & pid=$!
      waitport "$port"
      "$SHARED/setup_table.sh" "http://127.0.0.1:$port" usertable >/dev/null
      KEYSPACE=1000000000 wrk -t2 -c"$CONNS" -d2s -s "$SHARED/ddb_put.lua" "http://127.0.0.1:$port/" >/dev/null
      line=$(KEYSPACE=1000000000 wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$SHARED/ddb_put.lua" \
        "http://127.0.0.1:$port/" | grep '^RESULT' | tail -1)
      echo "rep$rep $bin --threads $threads: $line"
      kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
    done
  done
done
