// Optimizer kernels without Node: every ISA gives the same bits as the scalar
// path (all formulas use only correctly rounded +,-,*,/,sqrt and no FMA),
// including the padded tail at sizes around the vector widths, and a known
// Adam step against float64 arithmetic.
#include "../kernels/optim.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../registry.h"
#include "harness.h"

using namespace nodegrad;
using namespace nodegrad::optim;

namespace {

const OptimKernels* table(Isa isa) { return kernel_registry(isa).optim; }

std::vector<float> pattern(size_t n, uint32_t seed, float lo, float hi) {
  std::vector<float> out(n);
  uint32_t s = seed;
  for (auto& x : out) {
    s = s * 1664525u + 1013904223u;
    x = lo + (hi - lo) * static_cast<float>(s >> 8) / 16777216.0f;
  }
  return out;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}

struct Arrays {
  std::vector<float> p, g, m, v;
  explicit Arrays(size_t n)
      : p(pattern(n, 1, -2, 2)),
        g(pattern(n, 2, -1, 1)),
        m(pattern(n, 3, -0.1f, 0.1f)),
        v(pattern(n, 4, 0, 0.01f)) {}
  // Run every kernel once, with weight decay and a clip scale on.
  void run(const OptimKernels* k) {
    const Common c{0.5f, 0.01f, 0.001f};
    const size_t n = p.size();
    k->sgd(p.data(), g.data(), n, SgdArgs{c, 0.1f});
    k->momentum(p.data(), g.data(), m.data(), n, MomentumArgs{c, 0.9f, 1, 0.09f, 0.1f, 1});
    k->rms(p.data(), g.data(), v.data(), n, RmsArgs{c, 0.01f, 0.9f, 0.1f, 1e-8f, 0});
    k->rms(p.data(), g.data(), v.data(), n, RmsArgs{c, 0.01f, 1, 1, 1e-8f, 1});
    k->adam(p.data(), g.data(), m.data(), v.data(), n,
            AdamArgs{c, 0.01f, 1.5f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f});
  }
};

}  // namespace

NODEGRAD_TEST(optim_every_isa_matches_scalar_bitwise) {
  const size_t sizes[] = {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 101, 1000};
  for (Isa isa : available_isas()) {
    for (size_t n : sizes) {
      Arrays want(n), got(n);
      want.run(optim_kernels_scalar());
      got.run(table(isa));
      const std::string where = std::string(isa_name(isa)) + " n=" + std::to_string(n);
      NODEGRAD_CHECK(same_bits(want.p, got.p), "param " + where);
      NODEGRAD_CHECK(same_bits(want.m, got.m), "m " + where);
      NODEGRAD_CHECK(same_bits(want.v, got.v), "v " + where);
      NODEGRAD_CHECK(same_bits(want.g, Arrays(n).g), "grad untouched " + where);
    }
  }
}

// One Adam step from m = v = 0 at t = 1 with g = 0.5: m' = 0.05, v' = 0.00025,
// and theta' = 1 - 0.001 * 0.5 / (0.5 + 1e-8) = 0.999 (within float32 rounding).
NODEGRAD_TEST(optim_adam_first_step_known_value) {
  for (Isa isa : available_isas()) {
    for (size_t n : {1u, 9u, 17u}) {
      std::vector<float> p(n, 1.0f), g(n, 0.5f), m(n, 0.0f), v(n, 0.0f);
      const float alpha = static_cast<float>(0.001 / 0.1);
      const float k = static_cast<float>(1.0 / std::sqrt(0.001));
      table(isa)->adam(p.data(), g.data(), m.data(), v.data(), n,
                       AdamArgs{{1, 0, 0}, alpha, k, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f});
      const std::string where = std::string(isa_name(isa)) + " n=" + std::to_string(n);
      for (size_t i = 0; i < n; i++) {
        NODEGRAD_CHECK(std::fabs(p[i] - 0.999) < 4e-7, "theta " + where);
        NODEGRAD_CHECK(std::fabs(m[i] - 0.05) < 1e-8, "m " + where);
        NODEGRAD_CHECK(std::fabs(v[i] - 0.00025) < 1e-10, "v " + where);
      }
    }
  }
}

// Sum of squares: exact for small integers on every ISA, any tail length.
NODEGRAD_TEST(optim_sum_squares_exact_small_integers) {
  for (Isa isa : available_isas()) {
    for (size_t n : {0u, 1u, 7u, 8u, 9u, 17u, 33u}) {
      std::vector<float> x(n);
      double want = 0;
      for (size_t i = 0; i < n; i++) {
        x[i] = static_cast<float>(static_cast<int>(i) - 3);
        want += static_cast<double>(x[i]) * x[i];
      }
      const double got = table(isa)->sum_squares(n ? x.data() : nullptr, n);
      NODEGRAD_CHECK(got == want, std::string(isa_name(isa)) + " n=" + std::to_string(n));
    }
  }
}
