#!/usr/bin/env bash
# CI: the self-test built with clang++ -Werror (see scripts/test-clang.sh). $1: counts file.
exec bash "$(dirname "$0")/../test-clang.sh" "$1"
