#!/usr/bin/env bash
# Fails when any C++ file under native/ is not clang-formatted (.clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."
CF=${CLANG_FORMAT:-$(command -v clang-format || true)}
if [ -z "$CF" ]; then
  echo "clang-format not found (apt-get install clang-format); skipping the C++ format check" >&2
  [ -n "${CI:-}" ] && exit 1
  exit 0
fi
files=$(find native -name '*.cc' -o -name '*.h' | sort)
"$CF" --dry-run --Werror $files
echo "clang-format: $(echo "$files" | wc -w) files clean"
