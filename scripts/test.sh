#!/usr/bin/env bash
# Builds Tideline and runs every test suite; exits non-zero if anything fails.
#   1. installs what is missing (scripts/install-deps.sh: apt packages, npm where needed)
#   2. configures and builds build/ with CMake + Ninja (RelWithDebInfo)
#   3. unit tests: ctest (GoogleTest)
#   4. end-to-end tests: tests/e2e/run.py drives the real build/tideline with boto3 and the
#      AWS CLI
# Every suite runs even when an earlier one failed, so one run reports everything.
# Env: BUILD_DIR (default <repo>/build), JOBS (parallel build/test jobs, default 2),
#      E2E_ARGS (extra arguments for tests/e2e/run.py, e.g. "-k test_query").
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

# Further suites go here, each appending its name to failed on failure, e.g. the export
# format checks (tests/export, node + ion-js).

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
