// GEMM cache blocking derived from this machine's caches at load time, so
// the same binary blocks for a 512 KiB-L2 Zen 3, a 1 MiB-L2 Zen 4 and a
// 2 MiB-L2 Xeon (blocking fixed for one of them left the others short of
// their FMA peak). Compiled without ISA flags.
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "../platform.h"
#include "gemm.h"

#if NODEGRAD_X64 && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define NODEGRAD_HAVE_CPUID 1
#else
#define NODEGRAD_HAVE_CPUID 0
#endif

namespace nodegrad {

namespace {

// Clamps: the micro-kernels' loops and the packing scratch stay within what
// was tested, whatever a virtual machine reports (this one claims a 480 MiB
// L3).
constexpr size_t kMinKc = 64, kMaxKc = 1024;
constexpr size_t kMaxMcFloats = 4096;
constexpr size_t kMinNcPanels = 4, kMaxNc = 8192;

size_t round_down(size_t v, size_t to) { return v / to * to; }
size_t clamp(size_t v, size_t lo, size_t hi) { return v < lo ? lo : v > hi ? hi : v; }

#if NODEGRAD_HAVE_CPUID
// Deterministic cache parameters: Intel leaf 4, AMD leaf 0x8000001D (same
// layout). Subleaf i describes one cache; type 0 ends the list.
bool cpuid_caches(GemmCaches& out) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return false;
  const unsigned max_leaf = a;
  const bool amd = b == 0x68747541u;  // "Auth"enticAMD
  unsigned leaf = 4;
  if (amd) {
    if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x8000001Du) return false;
    __get_cpuid(0x80000001u, &a, &b, &c, &d);
    if ((c & (1u << 22)) == 0) return false;  // no TOPOEXT: no leaf 0x8000001D
    leaf = 0x8000001Du;
  } else if (max_leaf < 4) {
    return false;
  }
  GemmCaches g{0, 0, 0, 0, false};
  for (unsigned i = 0; i < 16; ++i) {
    __cpuid_count(leaf, i, a, b, c, d);
    const unsigned type = a & 0x1f;  // 1 data, 2 instruction, 3 unified
    if (type == 0) break;
    if (type == 2) continue;
    const unsigned level = (a >> 5) & 0x7;
    const size_t ways = ((b >> 22) & 0x3ff) + 1, parts = ((b >> 12) & 0x3ff) + 1,
                 line = (b & 0xfff) + 1, sets = size_t{c} + 1;
    const size_t size = ways * parts * line * sets;
    const size_t sharing = ((a >> 14) & 0xfff) + 1;  // logical processors
    if (level == 1) {
      g.l1d = size;
      g.l1d_ways = ways;
    } else if (level == 2) {
      g.l2 = size;
    } else if (level == 3) {
      g.l3 = size / sharing;
    }
  }
  if (g.l1d == 0 || g.l2 == 0) return false;
  out = g;
  out.detected = true;
  return true;
}
#endif

bool sysconf_caches(GemmCaches& out) {
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE)
  const long l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE), ways = sysconf(_SC_LEVEL1_DCACHE_ASSOC),
             l2 = sysconf(_SC_LEVEL2_CACHE_SIZE), l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
  if (l1 <= 0 || l2 <= 0) return false;
  // sysconf gives the whole L3, not a core's share: divide by the CPUs.
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  out = {static_cast<size_t>(l1), static_cast<size_t>(ways > 0 ? ways : 8), static_cast<size_t>(l2),
         l3 > 0 ? static_cast<size_t>(l3 / (cpus > 0 ? cpus : 1)) : 0, true};
  return true;
#else
  (void)out;
  return false;
#endif
}

// NODEGRAD_GEMM_CACHES="l1d,ways,l2,l3": four positive integers (bytes; l3
// may be 0 for none), or it is ignored.
bool env_caches(GemmCaches& out) {
  const char* env = std::getenv("NODEGRAD_GEMM_CACHES");
  if (env == nullptr || *env == '\0') return false;
  size_t v[4];
  const char* p = env;
  for (int i = 0; i < 4; ++i) {
    char* end = nullptr;
    const unsigned long long x = std::strtoull(p, &end, 10);
    if (end == p || (i < 3 && *end != ',') || (i == 3 && *end != '\0')) return false;
    if (x == 0 && i < 3) return false;
    v[i] = static_cast<size_t>(x);
    p = end + 1;
  }
  out = {v[0], v[1], v[2], v[3], true};
  return true;
}

GemmCaches detect() {
  GemmCaches g{0, 0, 0, 0, false};
  if (env_caches(g)) return g;
#if NODEGRAD_HAVE_CPUID
  if (cpuid_caches(g)) return g;
#endif
  if (sysconf_caches(g)) return g;
  return {0, 0, 0, 0, false};
}

}  // namespace

const GemmCaches& gemm_caches() {
  static const GemmCaches caches = detect();
  return caches;
}

GemmBlocking gemm_derive_blocking(GemmTileId tile, const GemmCaches& caches) {
  const GemmBlocking fb = kGemmBlockingTable[tile].fallback;
  if (!caches.detected || caches.l1d == 0 || caches.l2 == 0) return fb;
  const size_t mr = fb.mr, nr = fb.nr, f = sizeof(float);
  const size_t ways = caches.l1d_ways >= 2 ? caches.l1d_ways : 2;
  const size_t way_bytes = caches.l1d / ways;
  size_t ways_b = (ways - 1) * nr / (mr + nr);
  if (ways_b == 0) ways_b = 1;
  const size_t kc = clamp(round_down(ways_b * way_bytes / (nr * f), 8), kMinKc, kMaxKc);
  const size_t mc_cap = round_down(kMaxMcFloats, mr);
  const size_t mc = clamp(round_down(caches.l2 / 2 / (kc * f), mr), mr, mc_cap);
  size_t nc = fb.nc;
  if (caches.l3 != 0) {
    nc = clamp(round_down(caches.l3 / 2 / (kc * f), nr), kMinNcPanels * nr, round_down(kMaxNc, nr));
  }
  return {mr, nr, mc, kc, nc};
}

const GemmBlocking& gemm_blocking(GemmTileId tile) {
  static const GemmBlocking all[kGemmTileIds] = {
      gemm_derive_blocking(kGemmScalar, gemm_caches()),
      gemm_derive_blocking(kGemmAvx2, gemm_caches()),
      gemm_derive_blocking(kGemmNeon, gemm_caches()),
      gemm_derive_blocking(kGemmAvx512, gemm_caches()),
  };
  return all[tile];
}

}  // namespace nodegrad
