#!/usr/bin/env bash
# Builds Tideline and runs every test suite; exits non-zero if anything fails.
#   1. installs what is missing (scripts/install-deps.sh: apt packages, npm where needed)
#   2. configures and builds build/ with CMake + Ninja (RelWithDebInfo)
#   3. unit tests: ctest (GoogleTest)
#   4. end-to-end tests: tests/e2e/run.py drives the real build/tideline with boto3 and the
#      AWS CLI
#   5. fuzzing: scripts/fuzz.sh builds the libFuzzer targets with clang in build-fuzz/ (a second
#      full build, ~20 min cold on 2 cores, much less with ccache) and runs each for
#      FUZZ_SECONDS from its committed seed corpus; FUZZ_SECONDS=0 skips the step
# Every suite runs even when an earlier one failed, so one run reports everything.
# Env: BUILD_DIR (default <repo>/build), JOBS (parallel build/test jobs, default 2),
#      E2E_ARGS (extra arguments for tests/e2e/run.py, e.g. "-k test_query"),
#      FUZZ_SECONDS (seconds per fuzz target, default 60; 0 skips fuzzing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
JOBS=${JOBS:-2}
PYTHON=${PYTHON:-python3}

bash "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ninja -C "$BUILD" -j "$JOBS"

failed=()
echo "== unit tests (ctest)"
(cd "$BUILD" && ctest --output-on-failure -j "$JOBS") || failed+=(unit)

echo "== end-to-end tests (tests/e2e)"
# shellcheck disable=SC2086
TIDELINE_BIN="$BUILD/tideline" "$PYTHON" "$ROOT/tests/e2e/run.py" -j "$JOBS" ${E2E_ARGS:-} \
  || failed+=(e2e)

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
if [ "$FUZZ_SECONDS" -gt 0 ]; then
  echo "== fuzzing (scripts/fuzz.sh, ${FUZZ_SECONDS}s per target)"
  FUZZ_JOBS="$JOBS" bash "$ROOT/scripts/fuzz.sh" "$FUZZ_SECONDS" || failed+=(fuzz)
fi

# Further suites go here, each appending its name to failed on failure, e.g. the export
# format checks (tests/export, node + ion-js).

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
