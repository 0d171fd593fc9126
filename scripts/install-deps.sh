#!/usr/bin/env bash
# Installs what Tideline needs to build, test and benchmark on Debian 12, and nothing that is
# already there. Idempotent: a second run only checks.
set -euo pipefail
PKGS=(build-essential cmake ninja-build ccache pkg-config
      librocksdb-dev rapidjson-dev libboost-dev libboost-system-dev
      libspdlog-dev libfmt-dev libcli11-dev libgtest-dev libgmock-dev
      libssl-dev libcurl4-openssl-dev zlib1g-dev libdeflate-dev libisal-dev libzstd-dev
      libgoogle-perftools-dev pigz openssl
      faketime)  # the commit-clock test runs the server with its wall clock stepped back
# Node.js (for ion-js and the benchmarks' dynalite) may come from another repository with npm
# bundled; Debian's npm package would conflict with it, so only ask apt when npm is missing.
command -v npm >/dev/null || PKGS+=(nodejs npm)
# The end-to-end tests drive the server with boto3 and the AWS CLI. A machine whose own Python
# already has them (e.g. a pyenv Python) needs nothing; otherwise Debian's packages do.
python3 -c 'import boto3' 2>/dev/null || PKGS+=(python3-boto3)
command -v aws >/dev/null || PKGS+=(awscli)
# The fuzzing step (scripts/fuzz.sh) builds with clang and its libFuzzer/ASan runtimes.
PKGS+=(clang libclang-rt-14-dev)
# The console's browser tests (tests/browser) drive Debian's Chromium with playwright-core.
PKGS+=(chromium)
# The format check (scripts/check-format.sh) needs clang-format (14 on Debian 12, as used here).
PKGS+=(clang-format)
[ "${WITH_BENCH:-0}" = 1 ] && PKGS+=(wrk nginx-light)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ion-js, with which the tests read our ION exports back (an independent Ion parser).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$ROOT/tools/ion-check/node_modules/ion-js" ]; then
  npm ci --silent --no-audit --no-fund --prefix "$ROOT/tools/ion-check" >/dev/null
fi

# The AWS SDK for JavaScript v3, with which the authentication tests sign requests.
if [ ! -d "$ROOT/tools/js-sdk/node_modules/@aws-sdk/client-dynamodb" ]; then
  npm ci --silent --no-audit --no-fund --prefix "$ROOT/tools/js-sdk" >/dev/null
fi

# The client-library suite (tests/clients: dynamoose, ElectroDB, dynamodb-toolbox and the AWS SDK
# v3, pinned by its package-lock.json). Reinstalled whenever the lock file changes: the copy
# beside node_modules records what was installed.
CLIENTS=$ROOT/tests/clients
if ! cmp -s "$CLIENTS/package-lock.json" "$CLIENTS/node_modules/.installed-package-lock.json"; then
  npm ci --silent --no-audit --no-fund --prefix "$CLIENTS" >/dev/null
  cp "$CLIENTS/package-lock.json" "$CLIENTS/node_modules/.installed-package-lock.json"
fi

# The console's browser tests (tests/browser: playwright-core, which drives the chromium package
# above and downloads no browser of its own), reinstalled whenever its lock file changes.
BROWSER_TESTS=$ROOT/tests/browser
if ! cmp -s "$BROWSER_TESTS/package-lock.json" \
     "$BROWSER_TESTS/node_modules/.installed-package-lock.json"; then
  npm ci --silent --no-audit --no-fund --prefix "$BROWSER_TESTS" >/dev/null
  cp "$BROWSER_TESTS/package-lock.json" "$BROWSER_TESTS/node_modules/.installed-package-lock.json"
fi
