# Shared by scripts/test-arm64.sh, scripts/test-clang.sh and scripts/arm64/
# (sourced, not run): build native code with a given compiler, run the C++
# self-test and turn its "selftest: N passed, N failed" line into a
# "passed failed" counts file.
# Every way of not getting that line (missing tool, compile error, crash)
# counts as a failure: a suite that cannot run must never look green.

NODEGRAD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# counts_write FILE PASSED FAILED (FILE may be empty: no counts wanted)
counts_write() {
  [ -n "$1" ] && echo "$2 $3" >"$1"
  return 0
}

# suite_fail FILE LABEL MESSAGE...: loud failure, counted as one failed test.
suite_fail() {
  local file=$1 label=$2
  shift 2
  echo "$label: FAILED: $*" >&2
  echo "$label: 0 passed, 1 failed"
  counts_write "$file" 0 1
  exit 1
}

# require_tools FILE LABEL TOOL...: every tool on the PATH, or fail.
require_tools() {
  local file=$1 label=$2 t
  shift 2
  for t in "$@"; do
    command -v "$t" >/dev/null ||
      suite_fail "$file" "$label" "'$t' not found (apt-get install -y g++-aarch64-linux-gnu qemu-user-static clang)"
  done
}

# build_native CXX OUT AVX2_FLAGS LINK_FLAGS "DIRS" COMPILE_FLAGS...
# Compiles every *.cc in DIRS (globbed, so new kernel files need no edit
# here) and links OUT. *_avx2.cc files get AVX2_FLAGS, *_avx512.cc files
# AVX2_FLAGS plus -mavx512f (both empty off x86-64, where their bodies compile
# to null table accessors); everything else is baseline, no -march. One file at a time: the machine's cores are shared.
build_native() {
  local cxx=$1 out=$2 avx2_flags=$3 link_flags=$4 dirs=$5
  shift 5
  local objdir="$out.obj" d src obj flags objs=()
  rm -rf "$objdir" "$out"
  mkdir -p "$objdir"
  cd "$NODEGRAD_ROOT" || return 1
  for d in $dirs; do
    for src in "$d"/*.cc; do
      [ -f "$src" ] || continue
      obj="$objdir/$(echo "$src" | tr / _).o"
      flags=()
      # shellcheck disable=SC2206 # word-splitting the flag list is intended
      case "$src" in
        *_avx2.cc) flags=($avx2_flags) ;;
        *_avx512.cc) flags=($avx2_flags ${avx2_flags:+-mavx512f}) ;;
      esac
      "$cxx" -std=c++17 -ffp-contract=off -pthread "$@" "${flags[@]}" -c "$src" -o "$obj" || return 1
      objs+=("$obj")
    done
  done
  # shellcheck disable=SC2086 # word-splitting the flag list is intended
  "$cxx" -pthread $link_flags "$@" "${objs[@]}" -o "$out"
}

# build_selftest CXX OUT AVX2_FLAGS EXTRA_FLAGS...: the C++ self-test, the
# same sources as CMakeLists.txt's nodegrad_selftest.
build_selftest() {
  local cxx=$1 out=$2 avx2_flags=$3
  shift 3
  build_native "$cxx" "$out" "$avx2_flags" "" "native native/kernels native/selftest" -O2 "$@"
}

# is_aarch64_elf FILE: ELF e_machine (offset 18, little-endian) 0xb7 = EM_AARCH64.
is_aarch64_elf() {
  [ "$(od -An -tx1 -j18 -N2 "$1" 2>/dev/null | tr -d ' ')" = b700 ]
}

# run_selftest FILE LABEL REQUIRED_ISA CMD...: runs the self-test, echoes its
# output, writes the counts. REQUIRED_ISA (may be empty) must appear on the
# "ISAs available:" line, else one extra failure: proves the SIMD path under
# test was really compiled in and detected in this run.
run_selftest() {
  local file=$1 label=$2 isa=$3 out rc passed failed
  shift 3
  out=$("$@" 2>&1)
  rc=$?
  echo "$out"
  local line
  line=$(echo "$out" | grep -E '^selftest: [0-9]+ passed, [0-9]+ failed$' | tail -1)
  [ -n "$line" ] || suite_fail "$file" "$label" "no 'selftest: N passed, N failed' line (exit code $rc)"
  passed=$(echo "$line" | sed -E 's/^selftest: ([0-9]+) passed.*/\1/')
  failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "$label: the self-test exited with code $rc although it reported no failure" >&2
    failed=1
  fi
  if [ -n "$isa" ] && ! echo "$out" | grep -qE "^ISAs available:.* $isa( |$)"; then
    echo "$label: FAILED: the '$isa' path is not available in this run; its kernels were not tested" >&2
    failed=$((failed + 1))
  fi
  echo "$label: $passed passed, $failed failed"
  counts_write "$file" "$passed" "$failed"
  [ "$failed" -eq 0 ]
}
