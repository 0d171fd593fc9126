#!/usr/bin/env python3
"""Runs the end-to-end suite: every tests/e2e/test_*.py module, in parallel worker processes.

usage: run.py [-j JOBS] [-k PATTERN]... [-v] [MODULE...]

  MODULE      run only these modules (e.g. test_query or test_query.py); default: all
  -k PATTERN  run only tests whose id (module.Class.test_name) contains PATTERN, or matches it
              as a shell glob; may be repeated (a test runs if any pattern matches)
  -j JOBS     modules run at once (default 2; each test class starts its own server)
  -v          list every test as it runs

The last line is always `e2e: N passed, N failed, N skipped`; the exit status is non-zero if any
test failed or errored (errors count as failed), or if nothing ran at all.
Env: TIDELINE_BIN (server binary), E2E_MODULE_TIMEOUT (seconds per module, default 1200).
"""

import argparse
import fnmatch
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
RESULT_TAG = "E2E-RESULT "
# Slowest first, so that the two workers finish together.
HEAVY_FIRST = ["test_history_collection", "test_cli", "test_export_contents", "test_export_restart",
               "test_persistence", "test_export_validation", "test_export_s3"]


def discover_modules():
    names = sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".py"))
    return sorted(names, key=lambda n: HEAVY_FIRST.index(n) if n in HEAVY_FIRST else 99)


def matches(test_id, patterns):
    return not patterns or any(p in test_id or fnmatch.fnmatch(test_id, p) for p in patterns)


def iter_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from iter_tests(t)
        else:
            yield t


class LogAttachingResult(unittest.TextTestResult):
    """Appends the tail of the server's log to every failure of a test that has a server."""

    def _exc_info_to_string(self, err, test):
        text = super()._exc_info_to_string(err, test)
        server = getattr(type(test), "server", None)
        if server is not None and hasattr(server, "log_tail"):
            tail = server.log_tail()
            if tail:
                text += "\n--- tideline log (tail) ---\n" + tail + "\n"
        return text


def run_child(module, patterns, verbose):
    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    try:
        suite = loader.loadTestsFromName(module)
    except Exception as e:  # an import error is one failed test
        print(f"ERROR: cannot load {module}: {e!r}")
        print(RESULT_TAG + json.dumps({"passed": 0, "failed": 1, "skipped": 0,
                                       "failures": [f"{module} (import)"]}))
        return
    selected = unittest.TestSuite(t for t in iter_tests(suite) if matches(t.id(), patterns))
    if selected.countTestCases() == 0:
        print(RESULT_TAG + json.dumps({"passed": 0, "failed": 0, "skipped": 0, "failures": []}))
        return
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2 if verbose else 1,
                                     resultclass=LogAttachingResult)
    result = runner.run(selected)
    bad = [t for t, _ in result.failures + result.errors] + result.unexpectedSuccesses
    # A test fails once however many of its subTests fail. Errors of setUpClass and
    # tearDownClass (which are not among testsRun) count as failures of their own.
    failed_tests = {getattr(t, "test_case", t).id() for t in bad if not is_class_error(t)}
    class_errors = [t.id() for t in bad if is_class_error(t)]
    # Why each failed, in one line (the exception's last line, not the server log appended to it):
    # the run's summary and CI's tail show it without the whole traceback.
    reasons = {}
    for t, text in result.failures + result.errors:
        lines = [l for l in text.split("\n--- tideline log")[0].splitlines() if l.strip()]
        reasons.setdefault(getattr(t, "test_case", t).id(), lines[-1][:300] if lines else "")
    skipped = len(result.skipped)
    passed = max(0, result.testsRun - len(failed_tests) - skipped - len(result.expectedFailures))
    print(RESULT_TAG + json.dumps({"passed": passed,
                                   "failed": len(failed_tests) + len(class_errors),
                                   "skipped": skipped,
                                   "failures": sorted(failed_tests) + class_errors,
                                   "reasons": reasons}))


def is_class_error(test):
    """unittest reports setUpClass/tearDownClass errors with a stand-in, not a TestCase."""
    return not isinstance(test, unittest.TestCase)


def run_module(module, patterns, verbose, timeout):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", module]
    for p in patterns:
        cmd += ["-k", p]
    if verbose:
        cmd.append("-v")
    start = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=HERE,
                                start_new_session=True, stdin=subprocess.DEVNULL)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the child and the servers it started
            proc.wait()
            out.write(f"\nERROR: {module} did not finish within {timeout}s; killed\n")
        out.seek(0)
        text = out.read()
    result = None
    for line in text.splitlines():
        if line.startswith(RESULT_TAG):
            result = json.loads(line[len(RESULT_TAG):])
    if result is None:
        result = {"passed": 0, "failed": 1, "skipped": 0,
                  "failures": [f"{module} (crashed, exit {proc.returncode})"]}
    shown = "\n".join(l for l in text.splitlines() if not l.startswith(RESULT_TAG))
    return module, result, shown, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("modules", nargs="*")
    ap.add_argument("-k", dest="patterns", action="append", default=[])
    ap.add_argument("-j", dest="jobs", type=int, default=int(os.environ.get("E2E_JOBS", "2")))
    ap.add_argument("-v", dest="verbose", action="store_true")
    ap.add_argument("--failures-file",
                    help="append one line per failed test here (scripts/test.sh repeats them "
                         "at the end of its output, where CI's tail shows them)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        run_child(args.child, args.patterns, args.verbose)
        return 0

    all_modules = discover_modules()
    modules = all_modules
    if args.modules:
        wanted = [m[:-3] if m.endswith(".py") else os.path.basename(m) for m in args.modules]
        unknown = [m for m in wanted if m not in all_modules]
        if unknown:
            print(f"unknown test modules: {', '.join(unknown)}", file=sys.stderr)
            return 2
        modules = [m for m in all_modules if m in wanted]
    timeout = int(os.environ.get("E2E_MODULE_TIMEOUT", "1200"))
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    failures = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_module, m, args.patterns, args.verbose, timeout)
                   for m in modules]
        for fut in futures:
            module, result, shown, secs = fut.result()
            print(f"===== {module} ({secs:.1f}s): {result['passed']} passed, "
                  f"{result['failed']} failed, {result['skipped']} skipped", flush=True)
            if result["failed"] or args.verbose:
                print(shown, flush=True)
            for k in totals:
                totals[k] += result[k]
            reasons = result.get("reasons", {})
            failures += [f"{module}: {f}" + (f" -- {reasons[f]}" if reasons.get(f) else "")
                         for f in result["failures"]]
    if failures:
        print("\nFailed:")
        for f in failures:
            print("  " + f)
        if args.failures_file:
            with open(args.failures_file, "a") as out:
                out.writelines(f + "\n" for f in failures)
    print(f"e2e: {totals['passed']} passed, {totals['failed']} failed, "
          f"{totals['skipped']} skipped", flush=True)
    if totals["failed"]:
        return 1
    if totals["passed"] == 0:
        print("e2e: no test ran", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
