// GEMM against a double-precision naive product, on every ISA, at sizes
// around each ISA's own MR, NR and KC; plus the edge semantics (beta = 0
// never reads C, alpha = 0 never reads A or B) and bitwise equality across
// thread counts.
#include "../kernels/gemm.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../registry.h"
#include "../threadpool.h"
#include "harness.h"

using namespace nodegrad;

namespace {

const GemmKernels* table(Isa isa) { return kernel_registry(isa).gemm; }

struct Rng {
  uint64_t s;
  float next() {  // uniform in [-1, 1)
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>(static_cast<int32_t>(s >> 32)) / 2147483648.0f;
  }
};

std::vector<float> random(size_t n, uint64_t seed) {
  Rng r{seed};
  std::vector<float> v(n);
  for (float& x : v) x = r.next();
  return v;
}

// Checks C against alpha·op(A)·op(B) + beta·C0 in double. Bound per element:
// gamma·(|alpha|·Σ|a·b| + |beta·c0|) with gamma = 2(k+4)·2^-24: one rounding
// per accumulation step (k), one per product where no FMA is used (scalar),
// and a few for the alpha/beta epilogue and the per-KC-block accumulation in
// C, each at most 2^-24 relative to the running sum of absolute terms.
bool check_gemm(Isa isa, size_t m, size_t n, size_t k, bool ta, bool tb, float alpha, float beta,
                uint64_t seed) {
  std::vector<float> a = random(m * k, seed), b = random(k * n, seed + 1),
                     c0 = random(m * n, seed + 2);
  std::vector<float> c = c0;
  gemm(table(isa), a.data(), b.data(), c.data(), m, n, k, ta, tb, alpha, beta);
  const double gamma = 2.0 * (static_cast<double>(k) + 4.0) * std::ldexp(1.0, -24);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double s = 0, sa = 0;
      for (size_t p = 0; p < k; ++p) {
        double av = ta ? a[p * m + i] : a[i * k + p];
        double bv = tb ? b[j * k + p] : b[p * n + j];
        s += av * bv;
        sa += std::fabs(av * bv);
      }
      double ref = alpha * s + (beta != 0 ? beta * double{c0[i * n + j]} : 0.0);
      double bound = gamma * (std::fabs(alpha) * sa + std::fabs(beta * double{c0[i * n + j]})) +
                     std::numeric_limits<float>::denorm_min();
      if (!(std::fabs(c[i * n + j] - ref) <= bound)) return false;
    }
  }
  return true;
}

std::string label(Isa isa, size_t m, size_t n, size_t k, bool ta, bool tb) {
  return std::string(isa_name(isa)) + " m=" + std::to_string(m) + " n=" + std::to_string(n) +
         " k=" + std::to_string(k) + (ta ? " transA" : "") + (tb ? " transB" : "");
}

std::vector<size_t> boundary_sizes(size_t mr, size_t nr, size_t kc) {
  return {1, mr - 1, mr, mr + 1, nr - 1, nr + 1, kc - 1, kc + 1, 37};
}

}  // namespace

NODEGRAD_TEST(gemm_matches_double_reference_at_tile_boundaries) {
  for (Isa isa : available_isas()) {
    const GemmBlocking& bl = table(isa)->blocking;
    uint64_t seed = 1;
    for (size_t s : boundary_sizes(bl.mr, bl.nr, bl.kc)) {
      for (int t = 0; t < 4; ++t) {
        const bool ta = t & 1, tb = t & 2;
        // Vary each dimension in turn; the others stay off every boundary.
        const size_t dims[3][3] = {{s, 23, 19}, {13, s, 19}, {13, 23, s}};
        for (const auto& d : dims) {
          NODEGRAD_CHECK(check_gemm(isa, d[0], d[1], d[2], ta, tb, 1.0f, 0.0f, seed++),
                         label(isa, d[0], d[1], d[2], ta, tb));
        }
      }
    }
  }
}

NODEGRAD_TEST(gemm_large_packed_shapes) {
  for (Isa isa : available_isas()) {
    for (int t = 0; t < 4; ++t) {
      NODEGRAD_CHECK(check_gemm(isa, 150, 131, 530, t & 1, t & 2, 1.0f, 0.0f, 7 + t),
                     label(isa, 150, 131, 530, t & 1, t & 2));
    }
  }
}

NODEGRAD_TEST(gemm_alpha_beta_variants) {
  const float ab[][2] = {{1, 1}, {-0.5f, 0}, {2, -1.5f}, {0.25f, 0.75f}};
  for (Isa isa : available_isas()) {
    for (const auto& v : ab) {
      for (size_t sz : {size_t{5}, size_t{70}}) {  // the direct and the packed path
        NODEGRAD_CHECK(check_gemm(isa, sz, sz + 3, sz + 1, false, true, v[0], v[1], 99),
                       label(isa, sz, sz + 3, sz + 1, false, true) + " alpha/beta");
      }
    }
  }
}

NODEGRAD_TEST(gemm_beta_zero_never_reads_c_and_alpha_zero_never_reads_ab) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (Isa isa : available_isas()) {
    for (size_t sz : {size_t{3}, size_t{45}}) {
      std::vector<float> a = random(sz * sz, 3), b = random(sz * sz, 4);
      std::vector<float> c(sz * sz, nan);
      gemm(table(isa), a.data(), b.data(), c.data(), sz, sz, sz, false, false, 1.0f, 0.0f);
      bool finite = true;
      for (float v : c) finite = finite && std::isfinite(v);
      NODEGRAD_CHECK(finite, std::string(isa_name(isa)) + ": NaN in C leaked with beta=0");

      std::vector<float> nan_a(sz * sz, nan), nan_b(sz * sz, nan), c2(sz * sz, 2.0f);
      gemm(table(isa), nan_a.data(), nan_b.data(), c2.data(), sz, sz, sz, true, true, 0.0f, 0.5f);
      bool ok = true;
      for (float v : c2) ok = ok && v == 1.0f;
      NODEGRAD_CHECK(ok, std::string(isa_name(isa)) + ": alpha=0 must give beta*C");
      gemm(table(isa), nullptr, nullptr, c2.data(), sz, sz, 0, false, false, 1.0f, 0.0f);
      ok = true;
      for (float v : c2) ok = ok && v == 0.0f && !std::signbit(v);
      NODEGRAD_CHECK(ok, std::string(isa_name(isa)) + ": k=0, beta=0 must give zeros");
    }
    // m or n = 0 touches nothing (null pointers, as for zero-length arrays).
    gemm(table(isa), nullptr, nullptr, nullptr, 0, 5, 5, false, false, 1.0f, 1.0f);
    gemm(table(isa), nullptr, nullptr, nullptr, 5, 0, 5, false, false, 1.0f, 1.0f);
  }
}

NODEGRAD_TEST(gemm_bitwise_identical_across_thread_counts) {
  const size_t before = threadpool::get_threads();
  for (Isa isa : available_isas()) {
    for (int t = 0; t < 4; ++t) {
      const size_t m = 301, n = 263, k = 517;
      std::vector<float> a = random(m * k, 11), b = random(k * n, 12), c0 = random(m * n, 13);
      std::vector<float> ref;
      for (size_t threads : {size_t{1}, size_t{2}, size_t{3}}) {
        threadpool::set_threads(threads);
        std::vector<float> c = c0;
        gemm(table(isa), a.data(), b.data(), c.data(), m, n, k, t & 1, t & 2, 0.5f, 0.25f);
        if (ref.empty()) {
          ref = c;
        } else {
          NODEGRAD_CHECK(std::memcmp(ref.data(), c.data(), c.size() * sizeof(float)) == 0,
                         std::string(isa_name(isa)) + ": threads=" + std::to_string(threads) +
                             " differs from threads=1");
        }
      }
    }
  }
  threadpool::set_threads(before);
}

NODEGRAD_TEST(dense_forward_adds_bias_after_rounding_then_activation) {
  auto twice = [](const float* x, float* y, size_t n, float alpha) {
    for (size_t i = 0; i < n; ++i) y[i] = alpha * x[i];
  };
  for (Isa isa : available_isas()) {
    for (size_t sz : {size_t{7}, size_t{90}}) {
      const size_t m = sz, n = sz + 5, k = sz + 2;
      std::vector<float> x = random(m * k, 21), w = random(k * n, 22), bias = random(n, 23);
      std::vector<float> y(m * n, std::numeric_limits<float>::quiet_NaN()), g(m * n);
      GemmEpilogue epi{bias.data(), nullptr, twice, 2.0f};
      dense_forward(table(isa), x.data(), w.data(), y.data(), m, n, k, epi);
      gemm(table(isa), x.data(), w.data(), g.data(), m, n, k, false, false, 1.0f, 0.0f);
      bool ok = true;
      for (size_t i = 0; i < m; ++i) {
        for (size_t j = 0; j < n; ++j) {
          float expect = 2.0f * (g[i * n + j] + bias[j]);
          ok = ok && std::memcmp(&expect, &y[i * n + j], sizeof(float)) == 0;
        }
      }
      NODEGRAD_CHECK(ok, std::string(isa_name(isa)) +
                             ": dense_forward != act(gemm + bias), n=" + std::to_string(n));
    }
  }
}

NODEGRAD_TEST(column_sums_in_row_order) {
  for (Isa isa : available_isas()) {
    for (size_t n : {size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{33}, size_t{70}}) {
      for (float beta : {0.0f, 0.5f}) {
        const size_t m = 37;
        std::vector<float> a = random(m * n, 31), out = random(n, 32), out0 = out;
        if (beta == 0.0f) out.assign(n, std::numeric_limits<float>::quiet_NaN());
        column_sums(table(isa), a.data(), out.data(), m, n, beta);
        bool ok = true;
        for (size_t j = 0; j < n; ++j) {
          float s = 0.0f;  // the documented order: i ascending, in float32
          for (size_t i = 0; i < m; ++i) s += a[i * n + j];
          float expect = beta == 0.0f ? s : s + beta * out0[j];
          ok = ok && std::memcmp(&expect, &out[j], sizeof(float)) == 0;
        }
        NODEGRAD_CHECK(ok, std::string(isa_name(isa)) + ": column_sums n=" + std::to_string(n));
      }
    }
  }
}

// The analytical model's promises, on caches of machines we know (Zen 3:
// 32 KiB 8-way L1d, 512 KiB L2, 4 MiB L3 per core; Zen 4: 1 MiB L2; a Xeon
// with 48 KiB 12-way L1d, 2 MiB L2), for every tile in the table: the B
// micro-panel plus the A sliver fit the L1 minus one way, the A block half
// the L2, the B block half the L3 share; MC and NC are whole tiles; unknown
// caches give the table's fallback row.
NODEGRAD_TEST(gemm_blocking_follows_the_caches) {
  const GemmCaches machines[] = {{32768, 8, 524288, 4194304, true},
                                 {32768, 8, 1048576, 4194304, true},
                                 {49152, 12, 2097152, 5505024, true},
                                 {65536, 4, 262144, 0, true}};
  for (int tile = 0; tile < kGemmTileIds; ++tile) {
    const GemmTileId id = static_cast<GemmTileId>(tile);
    const GemmBlocking fb = kGemmBlockingTable[tile].fallback;
    const std::string name = kGemmBlockingTable[tile].isa;
    GemmBlocking unknown = gemm_derive_blocking(id, GemmCaches{0, 0, 0, 0, false});
    NODEGRAD_CHECK(std::memcmp(&unknown, &fb, sizeof fb) == 0,
                   name + ": unknown caches must give the fallback");
    size_t previous_mc = 0;
    for (const GemmCaches& cs : machines) {
      const GemmBlocking b = gemm_derive_blocking(id, cs);
      const std::string what =
          name + " on L1 " + std::to_string(cs.l1d) + " L2 " + std::to_string(cs.l2);
      NODEGRAD_CHECK(b.mr == fb.mr && b.nr == fb.nr, what + ": the tile is the micro-kernel's");
      NODEGRAD_CHECK(b.kc % 8 == 0 && b.kc >= 64, what + ": KC a multiple of 8, at least 64");
      NODEGRAD_CHECK((b.mr + b.nr) * b.kc * sizeof(float) <= cs.l1d - cs.l1d / cs.l1d_ways,
                     what + ": A sliver + B micro-panel exceed L1 minus one way");
      NODEGRAD_CHECK(b.mc % b.mr == 0 && b.mc * b.kc * sizeof(float) <= cs.l2 / 2,
                     what + ": MC not whole tiles or the A block over half of L2");
      NODEGRAD_CHECK(b.nc % b.nr == 0, what + ": NC not whole tiles");
      if (cs.l3 != 0) {
        NODEGRAD_CHECK(b.nc * b.kc * sizeof(float) <= cs.l3 / 2,
                       what + ": B block over half of L3");
      }
      // The first two machines differ only in L2: a larger L2 never gives a smaller MC.
      if (cs.l1d == 32768 && previous_mc != 0)
        NODEGRAD_CHECK(b.mc >= previous_mc, what + ": MC shrank");
      if (cs.l1d == 32768) previous_mc = b.mc;
    }
  }
  const GemmCaches& here = gemm_caches();
  std::printf("  caches here: L1d %zu (%zu-way), L2 %zu, L3 share %zu%s\n", here.l1d, here.l1d_ways,
              here.l2, here.l3, here.detected ? "" : " (not detected: fallback blocking)");
}

// Few rows (the GEMV path) on every ISA: with W stored k×n each element has
// the bits of the same row in a larger (packed-path) product; W stored n×k
// is within the error bound; and neither depends on the thread count.
NODEGRAD_TEST(gemv_few_rows_match_the_packed_path_and_the_thread_count) {
  const size_t before = threadpool::get_threads();
  for (Isa isa : available_isas()) {
    const GemmKernels* kt = table(isa);
    if (kt->gemv_n == nullptr) continue;
    const size_t big = (kt->blocking.mr > kGemvMaxRows ? kt->blocking.mr : kGemvMaxRows) + 3;
    for (const auto& nk :
         {std::pair<size_t, size_t>{1000, 2 * kt->blocking.kc + 9},
          std::pair<size_t, size_t>{4100, 300}, std::pair<size_t, size_t>{33, 17}}) {
      const size_t n = nk.first, k = nk.second;
      std::vector<float> a = random(big * k, 51), b = random(k * n, 52), all(big * n);
      threadpool::set_threads(1);
      gemm(kt, a.data(), b.data(), all.data(), big, n, k, false, false, 1.0f, 0.0f);
      for (size_t m = 1; m <= kGemvMaxRows; ++m) {
        for (size_t threads : {size_t{1}, size_t{2}, size_t{3}}) {
          threadpool::set_threads(threads);
          std::vector<float> c(m * n);
          gemm(kt, a.data(), b.data(), c.data(), m, n, k, false, false, 1.0f, 0.0f);
          NODEGRAD_CHECK(std::memcmp(c.data(), all.data(), c.size() * sizeof(float)) == 0,
                         std::string(isa_name(isa)) + ": gemv m=" + std::to_string(m) +
                             " n=" + std::to_string(n) + " threads=" + std::to_string(threads) +
                             " differs from the packed rows");
        }
        for (int t = 0; t < 4; ++t) {
          NODEGRAD_CHECK(check_gemm(isa, m, n, k, t & 1, t & 2, 0.5f, 0.25f, 60 + m),
                         label(isa, m, n, k, t & 1, t & 2) + " gemv");
        }
      }
    }
  }
  threadpool::set_threads(before);
}
