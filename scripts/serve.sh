#!/usr/bin/env bash
# Builds Tideline (if needed) and runs it in the foreground with its embedded defaults:
# 127.0.0.1:8000, data in ./data, region us-east-1, account 000000000000.
# Any arguments go to `tideline serve`, e.g. scripts/serve.sh --port 8001 --data-dir /tmp/t
# Logs go to stderr; stop it with Ctrl-C (SIGINT) or SIGTERM. The start-up log prints the web
# console's address ("web console: http://127.0.0.1:8000/"): open it in a browser.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}

bash "$ROOT/scripts/install-deps.sh" >&2
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
ninja -C "$BUILD" -j "${JOBS:-2}" tideline >&2
exec "$BUILD/tideline" serve "$@"
