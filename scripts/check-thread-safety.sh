#!/usr/bin/env bash
# Clang's thread-safety analysis over src/: every GUARDED_BY member touched without its lock,
# every REQUIRES function called without it, is an error (common/thread_annotations.h,
# docs/threads.md). The analysis runs in clang's front end, so the sources are only parsed
# (-fsyntax-only, no code generation): about half the time of a clang build.
# Env: TSA_BUILD_DIR (default <repo>/build-thread-safety), JOBS (default 2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TSA_BUILD_DIR:-$ROOT/build-thread-safety}
JOBS=${JOBS:-2}
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTIDELINE_THREAD_SAFETY=ON \
  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
# compile_commands.json holds each source's exact command (its module's include root included).
python3 - "$BUILD/compile_commands.json" "$ROOT/src/" "$JOBS" <<'PY'
import json, shlex, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
commands, src, jobs = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
todo = [c for c in commands if c["file"].startswith(src)]
def check(c):
    args = shlex.split(c["command"]) + ["-fsyntax-only"]
    r = subprocess.run(args, cwd=c["directory"], capture_output=True, text=True)
    return c["file"], r.returncode, r.stderr
failed = 0
with ThreadPoolExecutor(jobs) as pool:
    for path, rc, err in pool.map(check, todo):
        if rc != 0 or err:
            sys.stderr.write(err)
        failed += rc != 0
print(f"check-thread-safety: {len(todo)} sources, {failed} failed")
sys.exit(1 if failed else 0)
PY
