#!/usr/bin/env bash
# CI: the NEON self-test under qemu (see scripts/test-arm64.sh). $1: counts file.
exec bash "$(dirname "$0")/../test-arm64.sh" "$1"
