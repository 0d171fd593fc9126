#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (in build-fuzz/, a build of its own: every source is
# instrumented with ASan and coverage) and runs each for a while from its committed seed corpus.
# Usage: scripts/fuzz.sh [seconds per target, default 120] [target ...]
#   targets: request_fuzz (HTTP -> router -> every operation), expression_parser_fuzz,
#            partiql_parser_fuzz
# Env: FUZZ_BUILD_DIR (default <repo>/build-fuzz), FUZZ_JOBS (build jobs, default 2),
#      FUZZ_CORPUS_DIR (keep the grown corpora there; default a temporary directory).
# Exits non-zero when a target finds a crash, a leak or a timeout (the reproducer is written
# to the current directory as crash-*/leak-*/timeout-*).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-120}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(request_fuzz expression_parser_fuzz partiql_parser_fuzz)
"$ROOT/scripts/install-deps.sh"  # clang and libclang-rt-14-dev among the rest
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DTIDELINE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$BUILD" -j "${FUZZ_JOBS:-2}" "${TARGETS[@]}"

WORK=${FUZZ_CORPUS_DIR:-$(mktemp -d)}
status=0
for target in "${TARGETS[@]}"; do
  corpus="$WORK/${target%_fuzz}"
  mkdir -p "$corpus"
  seeds="$ROOT/tests/fuzz/corpus/${target%_fuzz}"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
  # The corpus a longer run grew (merged with -merge=1), so that a short run starts deep.
  [ -f "$seeds-grown.tar.gz" ] && tar -xzf "$seeds-grown.tar.gz" -C "$corpus"
  case $target in
    request_fuzz) opts=(-max_len=8192 -len_control=10 -timeout=20 -rss_limit_mb=4096) ;;
    partiql_parser_fuzz) opts=(-max_len=8193 -timeout=10) ;;  # statements: up to 8192 bytes
    *) opts=(-max_len=4200 -timeout=10) ;;
  esac
  echo "== $target: ${SECS}s from $(ls "$corpus" | wc -l) inputs"
  "$BUILD/$target" "$corpus" -dict="$ROOT/tests/fuzz/$target.dict" "${opts[@]}" \
    -max_total_time="$SECS" -print_final_stats=1 || status=1
done
exit $status
