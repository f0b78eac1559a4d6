#!/usr/bin/env bash
# CI: the cross-built addon under an arm64 Node in qemu (see scripts/arm64/run.sh). $1: counts file.
exec bash "$(dirname "$0")/../arm64/run.sh" "$1"
