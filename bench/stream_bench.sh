#!/usr/bin/env bash
# PutItem throughput on a table without a stream against the same table with a
# NEW_AND_OLD_IMAGES stream (every write also writes its stream record with both images), one
# server per run, interleaved REPS times; prints the ratio of the medians (target >= 0.8).
# Usage: bench/stream_bench.sh [seconds, default 10]   Env: CONNS (16), REPS (2), THREADS (2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
SECS=${1:-10}
BIN=${TIDELINE_BIN:-$ROOT/build/tideline}
CONNS=${CONNS:-16}; REPS=${REPS:-2}; THREADS=${THREADS:-2}
export BENCH_DIR=$SHARED/ AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-x} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-x} AWS_PAGER=""
SCRATCH=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONNS ${SECS}s PutItem, --threads $THREADS"
declare -A results
for rep in $(seq "$REPS"); do
  for mode in plain stream; do
    port=$(freeport); rm -rf "$SCRATCH/d"; mkdir -p "$SCRATCH/d"
    "$BIN" serve --host 127.0.0.1 --port "$port" --data-dir "$SCRATCH/d" --threads "$THREADS" \
      2>"$SCRATCH/log" & pid=$!
    waitport "$port"
    "$SHARED/setup_table.sh" "http://127.0.0.1:$port" usertable >/dev/null
    if [ "$mode" = stream ]; then
      aws --endpoint-url "http://127.0.0.1:$port" --region us-east-1 dynamodb update-table \
        --table-name usertable \
        --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES >/dev/null
    fi
    KEYSPACE=1000000000 wrk -t2 -c"$CONNS" -d2s -s "$SHARED/ddb_put.lua" "http://127.0.0.1:$port/" >/dev/null
    line=$(KEYSPACE=1000000000 wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$SHARED/ddb_put.lua" \
      "http://127.0.0.1:$port/" | grep '^RESULT' | tail -1)
    echo "rep$rep $mode: $line"
    results[$mode]+="$(echo "$line" | grep -o 'rps=[0-9.]*' | cut -d= -f2) "
    if [ "$mode" = stream ]; then
      # The records are there: one per write (GetRecords from TRIM_HORIZON, first page).
      python3 - "$port" <<'PY'
import sys, boto3
s = boto3.client("dynamodbstreams", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}",
                 region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
arn = s.list_streams(TableName="usertable")["Streams"][0]["StreamArn"]
shard = s.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
it = s.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
r = s.get_records(ShardIterator=it, Limit=1000)["Records"]
assert r and all(x["dynamodb"].get("NewImage") for x in r), "no stream records"
print(f"  stream check: first page {len(r)} records with NewImage")
PY
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  done
done
python3 - "${results[plain]}" "${results[stream]}" <<'PY'
import statistics, sys
plain = [float(x) for x in sys.argv[1].split()]
stream = [float(x) for x in sys.argv[2].split()]
p, s = statistics.median(plain), statistics.median(stream)
print(f"median PutItem/s: no stream {p:.0f}, NEW_AND_OLD_IMAGES stream {s:.0f}; ratio {s / p:.2f} (target >= 0.8)")
PY
