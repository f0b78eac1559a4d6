#!/usr/bin/env bash
# Cross-compiles the addon for linux-arm64 into build-arm64/nodegrad.node,
# with the flags binding.gyp gives node-gyp (exceptions on, hidden
# visibility, -ffp-contract=off, N-API 8, no -march: NEON is the aarch64
# baseline). Node's N-API headers (node_api.h, js_native_api*.h) are plain C
# declarations with no architecture-specific content, so the host's
# /usr/include/node serves the arm64 build; N-API symbols stay undefined in
# the .node and are resolved by the arm64 node binary at load time.
# Usage: scripts/arm64/build-addon.sh   (prints the addon's path)
set -euo pipefail
# shellcheck source=../lib/suite.sh
. "$(dirname "$0")/../lib/suite.sh"
cd "$NODEGRAD_ROOT"
CXX=${NODEGRAD_ARM64_CXX:-aarch64-linux-gnu-g++}
command -v "$CXX" >/dev/null || { echo "build-addon: $CXX not found (apt-get install -y g++-aarch64-linux-gnu)" >&2; exit 1; }

nodedir=${npm_config_nodedir:-/usr}
node_inc=$nodedir/include/node
[ -f "$node_inc/node_api.h" ] || { echo "build-addon: no Node headers at $node_inc (set npm_config_nodedir)" >&2; exit 1; }
napi_inc=$(node -p "require('node-addon-api').include_dir")

mkdir -p build-arm64
out=build-arm64/nodegrad.node
build_native "$CXX" "$out" "" -shared "native native/kernels native/plan native/binding" \
  -O3 -fPIC -fexceptions -fvisibility=hidden -fvisibility-inlines-hidden -Wall -Wextra \
  -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED -DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS \
  -DBUILDING_NODE_EXTENSION -DNODE_GYP_MODULE_NAME=nodegrad \
  -I "$node_inc" -I "$napi_inc"
is_aarch64_elf "$out" || { echo "build-addon: $out is not an aarch64 shared object" >&2; exit 1; }
echo "$out"
