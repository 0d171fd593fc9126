#!/usr/bin/env bash
# Measures Tideline beside dynalite and an nginx ceiling with the shared harness
# (../shared/bench/compare.sh, beside this repository's checkout), in one run; then the
# secondary-index loads beside dynalite (bench/index_bench.sh).
# Usage: bench/run.sh [seconds per load, default 15]   (env: KEYS, CONNS, REPS as compare.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
[ -x "$SHARED/compare.sh" ] || { echo "compare.sh not found in $SHARED (set SHARED_BENCH)" >&2; exit 1; }
WITH_BENCH=1 "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$ROOT/build" tideline >/dev/null
cd "$ROOT"
status=0
"$SHARED/compare.sh" "$ROOT/build/tideline serve --host 127.0.0.1 --port {PORT} --data-dir {DATA}" "${1:-15}" || status=1
echo
SHARED_BENCH=$SHARED "$ROOT/bench/index_bench.sh" "${1:-15}" || status=1
exit $status
