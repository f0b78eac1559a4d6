// Optimizer kernels without Node: every ISA gives the same bits as the scalar
// path (all formulas use only correctly rounded +,-,*,/,sqrt and no FMA),
// including the padded tail at sizes around the vector widths, and a known
// Adam step against float64 arithmetic.
#include "../kernels/optim.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
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

// A block with only the given fields set (every other field 0, guard off).
Scalars block(std::initializer_list<std::pair<float Scalars::*, float>> fields) {
  Scalars s;
  std::memset(&s, 0, sizeof s);
  s.scale = 1;
  for (const auto& f : fields) s.*(f.first) = f.second;
  return s;
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
    const size_t n = p.size();
    for (float guard : {0.0f, 1.0f}) {
      auto S = [&](std::initializer_list<std::pair<float Scalars::*, float>> f) {
        Scalars s = block(f);
        s.scale = 0.5f;
        s.wd = 0.01f;
        s.decay = 0.001f;
        s.guard = guard;
        return s;
      };
      k->sgd(p.data(), g.data(), n, S({{&Scalars::lr, 0.1f}}));
      k->momentum(p.data(), g.data(), m.data(), n,
                  S({{&Scalars::b1, 0.9f},
                     {&Scalars::c1, 1},
                     {&Scalars::lr, 0.09f},
                     {&Scalars::q, 0.1f},
                     {&Scalars::nesterov, 1}}));
      k->rms(p.data(), g.data(), v.data(), n,
             S({{&Scalars::lr, 0.01f},
                {&Scalars::b2, 0.9f},
                {&Scalars::c2, 0.1f},
                {&Scalars::eps, 1e-8f}}));
      k->rms(p.data(), g.data(), v.data(), n,
             S({{&Scalars::lr, 0.01f},
                {&Scalars::b2, 1},
                {&Scalars::c2, 1},
                {&Scalars::eps, 1e-8f},
                {&Scalars::outside, 1}}));
      const auto adam = S({{&Scalars::lr, 0.01f},
                           {&Scalars::k, 1.5f},
                           {&Scalars::b1, 0.9f},
                           {&Scalars::c1, 0.1f},
                           {&Scalars::b2, 0.999f},
                           {&Scalars::c2, 0.001f},
                           {&Scalars::eps, 1e-8f}});
      k->adam(p.data(), g.data(), m.data(), v.data(), n, adam);
      Scalars tfjs = adam;
      tfjs.divide = 1;
      tfjs.bc1 = 0.19f;
      tfjs.bc2 = 0.002f;
      k->adam(p.data(), g.data(), m.data(), v.data(), n, tfjs);
    }
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
                       block({{&Scalars::lr, alpha},
                              {&Scalars::k, k},
                              {&Scalars::b1, 0.9f},
                              {&Scalars::c1, 0.1f},
                              {&Scalars::b2, 0.999f},
                              {&Scalars::c2, 0.001f},
                              {&Scalars::eps, 1e-8f}}));
      const std::string where = std::string(isa_name(isa)) + " n=" + std::to_string(n);
      for (size_t i = 0; i < n; i++) {
        NODEGRAD_CHECK(std::fabs(p[i] - 0.999) < 4e-7, "theta " + where);
        NODEGRAD_CHECK(std::fabs(m[i] - 0.05) < 1e-8, "m " + where);
        NODEGRAD_CHECK(std::fabs(v[i] - 0.00025) < 1e-10, "v " + where);
      }
    }
  }
}

// The guard: an update that would overflow v at element 13 (g^2 > FLT_MAX)
// is refused on every ISA, every array keeps its bits, and the code names
// element 13 and v alone (mask 4: m' = 2e18 stays finite, and theta's
// update m'/(sqrt(inf) + eps) is 0).
NODEGRAD_TEST(optim_guard_refuses_and_names_the_element) {
  for (Isa isa : available_isas()) {
    for (size_t n : {14u, 17u, 40u}) {
      Arrays a(n);
      a.g[13] = 2e19f;
      const Arrays before = a;
      const auto s = block({{&Scalars::lr, 0.01f},
                            {&Scalars::k, 1},
                            {&Scalars::b1, 0.9f},
                            {&Scalars::c1, 0.1f},
                            {&Scalars::b2, 0.999f},
                            {&Scalars::c2, 0.001f},
                            {&Scalars::eps, 1e-8f},
                            {&Scalars::guard, 1}});
      const std::string where = std::string(isa_name(isa)) + " n=" + std::to_string(n);
      const double code = table(isa)->adam(a.p.data(), a.g.data(), a.m.data(), a.v.data(), n, s);
      NODEGRAD_CHECK(code == 8.0 * 13 + 4, "code " + std::to_string(code) + " " + where);
      NODEGRAD_CHECK(
          same_bits(a.p, before.p) && same_bits(a.m, before.m) && same_bits(a.v, before.v),
          "unchanged " + where);
      // SGD: theta = 3e38 - 1 * (-3e38) overflows; check-only mode reports it too.
      a.p[n - 1] = 3e38f;
      a.g[n - 1] = -3e38f;
      auto sg = block({{&Scalars::lr, 1}, {&Scalars::guard, 2}});
      NODEGRAD_CHECK(table(isa)->sgd(a.p.data(), a.g.data(), n, sg) == 8.0 * (n - 1) + 1,
                     "sgd " + where);
      NODEGRAD_CHECK(a.p[n - 1] == 3e38f, "sgd unchanged " + where);
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
