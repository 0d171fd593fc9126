#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs the expression-parser fuzzer.
# Usage: scripts/fuzz.sh [seconds, default 120]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-120}
"$ROOT/scripts/install-deps.sh"
command -v clang++ >/dev/null && dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null; }
BUILD=$ROOT/build-fuzz
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DTIDELINE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$BUILD" expression_parser_fuzz
CORPUS=$(mktemp -d)
"$BUILD/expression_parser_fuzz" "$CORPUS" -dict="$ROOT/tests/fuzz/expression_parser_fuzz.dict" \
  -max_len=4200 -max_total_time="$SECS" -timeout=10 -print_final_stats=1
