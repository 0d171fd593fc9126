#!/usr/bin/env bash
# Secondary indexes under load: PutItem and UpdateItem on a table with two GSIs (one ALL, one
# KEYS_ONLY) and Query on a GSI, Tideline beside dynalite (which has GSIs too) under the same wrk
# loads, in one run, printed as req/s and ratios. Ratios from one run hold on a noisy machine;
# absolute figures don't. The loads are bench/ddb_index.lua (it says what each one does).
#
# Usage: bench/index_bench.sh [seconds per load, default 15]
# Env: KEYS (items preloaded for UpdateItem and Query, default 100000), GSI_GROUPS (distinct byGroup
#      partitions, default 1000: 100 items each), CONNS (default 16), SERVERS (default
#      "tideline dynalite"; "dynalite" alone checks the loads against dynalite),
#      SHARED_BENCH (the shared harness, default ../shared/bench beside the checkout).
# Needs what ../shared/bench/compare.sh needs (wrk, the AWS CLI, node + npm for dynalite).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
SECS=${1:-15}; KEYS=${KEYS:-100000}; CONNS=${CONNS:-16}; GSI_GROUPS=${GSI_GROUPS:-1000}
SERVERS=${SERVERS:-tideline dynalite}
BENCH_CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/tideline-bench-cache}
[ -f "$SHARED/ddb_common.lua" ] || { echo "ddb_common.lua not found in $SHARED (set SHARED_BENCH)" >&2; exit 1; }
# VALUE_BYTES=140 keeps an item at ~200 B with its two index key attributes.
export SHARED_BENCH_DIR=$SHARED/ GSI_GROUPS VALUE_BYTES=${VALUE_BYTES:-140} AWS_PAGER=""
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-x} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-x}
WITH_BENCH=1 "$ROOT/scripts/install-deps.sh"
if [[ " $SERVERS " == *" tideline "* ]]; then
  cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$ROOT/build" tideline >/dev/null
fi
[ -f "$BENCH_CACHE/node_modules/dynalite/cli.js" ] || (mkdir -p "$BENCH_CACHE" && cd "$BENCH_CACHE" && npm install --silent --no-audit --no-fund dynalite@4 >/dev/null)
SCRATCH=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# The table of the loads: pk (S) key; byGroup (g HASH, n RANGE, ALL); byTag (t HASH, KEYS_ONLY).
create_table() { # endpoint
  local aws=(aws --endpoint-url "$1" --region us-east-1 dynamodb)
  "${aws[@]}" create-table --table-name usertable --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=g,AttributeType=S \
                            AttributeName=n,AttributeType=N AttributeName=t,AttributeType=S \
    --key-schema AttributeName=pk,KeyType=HASH \
    --global-secondary-indexes \
      'IndexName=byGroup,KeySchema=[{AttributeName=g,KeyType=HASH},{AttributeName=n,KeyType=RANGE}],Projection={ProjectionType=ALL}' \
      'IndexName=byTag,KeySchema=[{AttributeName=t,KeyType=HASH}],Projection={ProjectionType=KEYS_ONLY}' \
    >/dev/null
  "${aws[@]}" wait table-exists --table-name usertable
  # Query needs the indexes ACTIVE, not only the table.
  for _ in $(seq 100); do
    [ "$("${aws[@]}" describe-table --table-name usertable \
          --query 'length(Table.GlobalSecondaryIndexes[?IndexStatus!=`ACTIVE`])' --output text)" = 0 ] && return 0
    sleep 0.2
  done
  echo "the indexes of usertable never became ACTIVE" >&2; return 1
}

result() { grep '^RESULT' | tail -1; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
# Fails the run when a load got errors or short answers: its figure would not mean anything.
check() { # label line
  local non200 misses sock
  non200=$(echo "$2" | field non200); misses=$(echo "$2" | field misses); sock=$(echo "$2" | field sock_err)
  if [ "${non200:-1}" != 0 ] || [ "${misses:-1}" != 0 ] || [ "${sock:-1}" != 0 ]; then
    echo "$1: errors in the load (non200=$non200 misses=$misses sock_err=$sock)" >&2; return 1
  fi
}
declare -A RPS P99
load() { # label op keyspace port
  local url="http://127.0.0.1:$4/" line
  OP=$2 KEYSPACE=$3 wrk -t2 -c"$CONNS" -d3s -s "$ROOT/bench/ddb_index.lua" "$url" >/dev/null  # warm-up
  line=$(OP=$2 KEYSPACE=$3 wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$ROOT/bench/ddb_index.lua" "$url" | result)
  echo "$1 $2: $line"; check "$1 $2" "$line"
  RPS[$1.$2]=$(echo "$line" | field rps); P99[$1.$2]=$(echo "$line" | field p99_ms)
}
measure() { # label port
  create_table "http://127.0.0.1:$2"
  echo "$1 $(python3 "$ROOT/bench/index_preload.py" "http://127.0.0.1:$2" "$KEYS")"
  load "$1" update "$KEYS" "$2"
  load "$1" query "$KEYS" "$2"
  load "$1" put 1000000000 "$2"  # last: the new items would change the groups of the others
}

echo "# $(date -u +%FT%TZ) $(nproc) cores; wrk -t2 -c$CONNS ${SECS}s; ~200 B items, GSIs byGroup (ALL) and byTag (KEYS_ONLY); $KEYS keys in $GSI_GROUPS groups"
for server in $SERVERS; do
  port=$(freeport)
  case $server in
    tideline)
      mkdir -p "$SCRATCH/t"
      "$ROOT/build/tideline" serve --host 127.0.0.1 --port "$port" --data-dir "$SCRATCH/t" 2>"$SCRATCH/t.log" & pid=$! ;;
    dynalite)
      node "$BENCH_CACHE/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
        --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 --path "$SCRATCH/d" >"$SCRATCH/d.log" 2>&1 & pid=$! ;;
    *) echo "unknown server $server" >&2; exit 1 ;;
  esac
  waitport "$port"; measure "$server" "$port"
  echo "$server RSS_kB=$(ps -o rss= -p "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done

[[ " $SERVERS " == *" tideline "* && " $SERVERS " == *" dynalite "* ]] || exit 0
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
printf '\n%-8s %12s %12s %14s %16s\n' op tideline dynalite tideline/dyn 'p99 ms t / d'
for op in put update query; do
  printf '%-8s %12s %12s %14s %16s\n' "$op" "${RPS[tideline.$op]}" "${RPS[dynalite.$op]}" \
    "$(ratio "${RPS[tideline.$op]}" "${RPS[dynalite.$op]}")" "${P99[tideline.$op]} / ${P99[dynalite.$op]}"
done
