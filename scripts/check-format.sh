#!/usr/bin/env bash
# Checks that every C++ file under src/ and tests/ is formatted as .clang-format says (Google
# style, 100 columns). Lists the files that are not and exits non-zero; fix them with
#   clang-format -i <files>
# Env: CLANG_FORMAT (default clang-format).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
cd "$ROOT"
mapfile -t files < <(git ls-files -- 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')
bad=()
for f in "${files[@]}"; do
  "$CLANG_FORMAT" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: ${#bad[@]} of ${#files[@]} files are not clang-formatted ($("$CLANG_FORMAT" --version)):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
