#!/usr/bin/env bash
# Builds Tideline and runs every test suite; exits non-zero if anything fails.
#   1. installs what is missing (scripts/install-deps.sh: apt packages, npm where needed)
#   2. configures and builds build/ with CMake + Ninja (RelWithDebInfo)
#   3. unit tests: ctest (GoogleTest, and module_layering: a wrong-direction include fails)
#   4. end-to-end tests: tests/e2e/run.py drives the real build/tideline with boto3 and the
#      AWS CLI
#   5. client libraries: tests/clients (node --test) drives the real build/tideline with
#      dynamoose, ElectroDB, dynamodb-toolbox and the AWS SDK for JavaScript v3 (~1 minute)
#   6. web console: tests/browser (node --test) drives the console of the real build/tideline in
#      headless Chromium with playwright-core; screenshots go to <build>/browser-artifacts/
#   7. checks: scripts/check-format.sh (clang-format over src/ and tests/) and
#      scripts/check-thread-safety.sh (clang -Wthread-safety over src/, -fsyntax-only in
#      <build>-thread-safety/)
#   8. fuzzing: scripts/fuzz.sh builds the libFuzzer targets with clang in build-fuzz/ (a second
#      full build, ~20 min cold on 2 cores, much less with ccache) and runs each for
#      FUZZ_SECONDS from its committed seed corpus; FUZZ_SECONDS=0 skips the step
#   9. sanitizer builds: <build>-asan (ASan+UBSan) and <build>-tsan (TSan), each running the
#      unit tests and the end-to-end modules in SANITIZE_E2E (docs/testing.md)
# Every suite runs even when an earlier one failed, so one run reports everything.
# Env: BUILD_DIR (default <repo>/build), JOBS (parallel build/test jobs, default 2),
#      E2E_ARGS (extra arguments for tests/e2e/run.py, e.g. "-k test_query"),
#      FUZZ_SECONDS (seconds per fuzz target, default 60; 0 skips fuzzing),
#      SANITIZE (address thread: the sanitizer builds to run; "none" skips step 9),
#      SANITIZE_E2E (end-to-end modules and -k patterns run under the sanitizers),
#      SANITIZE_E2E_ADDRESS (further modules run under ASan only; empty skips them).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
JOBS=${JOBS:-2}
PYTHON=${PYTHON:-python3}
# CI stops a run at 90 minutes. The extra builds (steps 7 and 8) are the long ones on a cold
# machine: none of them starts once STEP_DEADLINE_S seconds have passed, and the run says so
# and fails rather than passing silently without them.
STEP_DEADLINE_S=${STEP_DEADLINE_S:-3900}
started=$SECONDS
in_time() {
  if [ $((SECONDS - started)) -gt "$STEP_DEADLINE_S" ]; then
    echo "== $1 NOT RUN: $((SECONDS - started)) s have passed (STEP_DEADLINE_S=$STEP_DEADLINE_S)"
    failed+=("$1-not-run")
    return 1
  fi
}

bash "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ninja -C "$BUILD" -j "$JOBS"

failed=()
# What failed, one line per test, repeated at the very end of the output: CI keeps only the tail.
FAILURES=$BUILD/test-failures.txt
: >"$FAILURES"
# ctest's own list of the tests that failed, labelled, into FAILURES.
note_ctest_failures() {
  sed -n '/The following tests FAILED/,$p' "$2" | grep -E '^[[:space:]]+[0-9]+ - ' \
    | sed "s/^[[:space:]]*/$1: /" >>"$FAILURES" || true
}
echo "== unit tests (ctest)"
(cd "$BUILD" && ctest --output-on-failure -j "$JOBS") 2>&1 | tee "$BUILD/ctest.log" \
  || { failed+=(unit); note_ctest_failures unit "$BUILD/ctest.log"; }

echo "== end-to-end tests (tests/e2e)"
rm -f "$BUILD/e2e-failures.txt"
# shellcheck disable=SC2086
TIDELINE_BIN="$BUILD/tideline" "$PYTHON" "$ROOT/tests/e2e/run.py" -j "$JOBS" ${E2E_ARGS:-} \
  --failures-file "$BUILD/e2e-failures.txt" || failed+=(e2e)

echo "== client libraries (tests/clients)"
(cd "$ROOT/tests/clients" && TIDELINE_BIN="$BUILD/tideline" npm test --silent) || failed+=(clients)

echo "== web console in headless Chromium (tests/browser)"
(cd "$ROOT/tests/browser" && TIDELINE_BIN="$BUILD/tideline" npm test --silent) || failed+=(browser)

echo "== format (scripts/check-format.sh)"
bash "$ROOT/scripts/check-format.sh" || failed+=(format)

if in_time thread-safety; then
  echo "== thread-safety analysis (scripts/check-thread-safety.sh)"
  TSA_BUILD_DIR="$BUILD-thread-safety" JOBS="$JOBS" bash "$ROOT/scripts/check-thread-safety.sh" \
    || failed+=(thread-safety)
fi

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
if [ "$FUZZ_SECONDS" -gt 0 ] && in_time fuzz; then
  echo "== fuzzing (scripts/fuzz.sh, ${FUZZ_SECONDS}s per target)"
  FUZZ_JOBS="$JOBS" bash "$ROOT/scripts/fuzz.sh" "$FUZZ_SECONDS" || failed+=(fuzz)
fi

# ---- Sanitizer builds (docs/testing.md, "Sanitizer builds") ----
# A sanitizer report fails the test that caused it: ASan, UBSan (-fno-sanitize-recover) and TSan
# stop the process at the first report, and the e2e harness fails on a report in a server log.
SANITIZE=${SANITIZE:-address thread}
# test_history_collection is left out: it pushes 1.4 GB of item values through the server, which
# takes more than 15 minutes under TSan for a test of volume, not of concurrency.
SANITIZE_E2E=${SANITIZE_E2E:-test_persistence test_transact_write_items test_update_item \
  test_batch_write_item test_export_contents test_restore test_http_limits test_wire_protocol \
  test_acknowledged_writes test_concurrency test_index_update_table test_index_query test_shutdown \
  test_partiql test_streams test_time_to_live test_backups test_import test_verify_export \
  test_index_invariant test_logging test_console_endpoint test_index_item_collections \
  test_index_warm_throughput test_console_verify_export}
# Run under ASan only: test_incremental_export and test_stream_shards start servers under
# libfaketime, and TSan reports a double lock of RocksDB's static mutex at start in every
# process preloaded with it (never in the same binary without it), whatever the test does.
SANITIZE_E2E_ADDRESS=${SANITIZE_E2E_ADDRESS-test_incremental_export test_stream_shards}
san_env=(ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:check_initialization_order=1
         UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
         "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tests/sanitizers/tsan.supp")
for san in $SANITIZE; do
  [ "$san" = none ] && break
  short=${san:0:1}san
  in_time "$short" || continue
  dir="$BUILD-$short"
  echo "== $short build ($dir)"
  if ! { cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
           -DTIDELINE_SANITIZE="$san" && ninja -C "$dir" -j "$JOBS"; }; then
    failed+=("$short-build")
    continue
  fi
  echo "== unit tests under $short"
  (cd "$dir" && env "${san_env[@]}" ctest --output-on-failure -j "$JOBS") 2>&1 \
    | tee "$dir/ctest.log" || { failed+=("$short-unit"); note_ctest_failures "$short-unit" "$dir/ctest.log"; }
  modules=$SANITIZE_E2E
  [ "$san" = address ] && modules="$modules $SANITIZE_E2E_ADDRESS"
  echo "== end-to-end tests under $short: $modules"
  rm -f "$dir/e2e-failures.txt"
  # shellcheck disable=SC2086
  env "${san_env[@]}" TIDELINE_BIN="$dir/tideline" "$PYTHON" "$ROOT/tests/e2e/run.py" -j "$JOBS" \
    --failures-file "$dir/e2e-failures.txt" $modules || failed+=("$short-e2e")
done
# ---- end of sanitizer builds ----

# Further suites go here, each appending its name to failed on failure, e.g. the export
# format checks (tests/export, node + ion-js).

if [ ${#failed[@]} -gt 0 ]; then
  for f in "$BUILD/e2e-failures.txt" "$BUILD"-?san/e2e-failures.txt; do
    if [ -s "$f" ]; then sed "s|^|$(basename "$(dirname "$f")"): |" "$f" >>"$FAILURES"; fi
  done
  if [ -s "$FAILURES" ]; then
    echo "== failed tests"
    cut -c1-400 "$FAILURES"
  fi
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
