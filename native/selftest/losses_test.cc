#include "../kernels/losses.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../registry.h"
#include "harness.h"

using namespace nodegrad;

namespace {

const LossKernels* table_for(Isa isa) { return kernel_registry(isa).losses; }

std::vector<float> ramp(size_t n, float scale, float shift) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>((i * 37) % 23) + shift;
  return v;
}

}  // namespace

NODEGRAD_TEST(losses_mse_matches_scalar_every_size) {
  for (Isa isa : available_isas()) {
    const LossKernels* k = table_for(isa);
    for (size_t n : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 257u}) {
      std::vector<float> p = ramp(n, 0.37f, -3.f), t = ramp(n, -0.11f, 1.f);
      std::vector<float> g(n + 1, 99.f), gs(n + 1, 99.f);
      double l = k->mse(p.data(), t.data(), g.data(), n);
      double ls = mse_scalar(p.data(), t.data(), gs.data(), n);
      // Gradients: same double operations per element, so bitwise equal;
      // loss: a different summation order, so a relative 1e-12.
      bool same = true;
      for (size_t i = 0; i < n; ++i) same = same && g[i] == gs[i];
      NODEGRAD_CHECK(same, std::string(isa_name(isa)) + " mse grad n=" + std::to_string(n));
      NODEGRAD_CHECK(std::fabs(l - ls) <= 1e-12 * std::fabs(ls), "mse loss n=" + std::to_string(n));
      NODEGRAD_CHECK(g[n] == 99.f, "mse writes nothing past the end");
    }
  }
}

NODEGRAD_TEST(losses_mse_hand_value) {
  // pred (1, 3), target (0, 0): loss (1 + 9)/2 = 5, grad 2·(p−t)/2 = (1, 3).
  for (Isa isa : available_isas()) {
    float p[2] = {1.f, 3.f}, t[2] = {0.f, 0.f}, g[2];
    double l = table_for(isa)->mse(p, t, g, 2);
    NODEGRAD_CHECK(l == 5.0 && g[0] == 1.f && g[1] == 3.f, isa_name(isa));
  }
}

NODEGRAD_TEST(losses_softmax_ce_hand_value_and_extremes) {
  for (Isa isa : available_isas()) {
    const LossKernels* k = table_for(isa);
    // Two equal logits: p = 1/2 each, loss = log 2, grad = (p − t)/n.
    float z[2] = {5.f, 5.f}, t[2] = {1.f, 0.f}, g[2];
    int32_t label[1] = {0};
    double l = k->softmax_ce(z, t, g, 1, 2);
    NODEGRAD_CHECK(std::fabs(l - std::log(2.0)) < 1e-15 && g[0] == -0.5f && g[1] == 0.5f,
                   "one-hot");
    l = k->softmax_ce_labels(z, label, g, 1, 2);
    NODEGRAD_CHECK(std::fabs(l - std::log(2.0)) < 1e-15 && g[0] == -0.5f && g[1] == 0.5f, "labels");
    // ±1e4 logits: loss 2e4 exactly representable, gradients finite.
    float ze[3] = {1e4f, -1e4f, 0.f};
    int32_t wrong[1] = {1};
    float ge[3];
    l = k->softmax_ce_labels(ze, wrong, ge, 1, 3);
    NODEGRAD_CHECK(l == 2e4 && ge[0] == 1.f && ge[1] == -1.f && ge[2] == 0.f, "extreme logits");
    // An invalid label gives NaN, never an out-of-bounds read.
    int32_t bad[1] = {7};
    l = k->softmax_ce_labels(ze, bad, ge, 1, 3);
    NODEGRAD_CHECK(l != l && ge[0] != ge[0], "invalid label → NaN");
    NODEGRAD_CHECK(k->softmax_ce(nullptr, nullptr, nullptr, 0, 3) == 0.0, "n = 0");
  }
}

NODEGRAD_TEST(losses_bce_hand_value_and_extremes) {
  for (Isa isa : available_isas()) {
    const LossKernels* k = table_for(isa);
    // z = 0: loss log 2, σ = 1/2, grad (1/2 − t)/count.
    float z[2] = {0.f, 0.f}, t[2] = {1.f, 0.f}, g[2];
    double l = k->bce(z, t, g, 2);
    NODEGRAD_CHECK(std::fabs(l - std::log(2.0)) < 1e-15 && g[0] == -0.25f && g[1] == 0.25f, "z=0");
    float ze[2] = {1e4f, -1e4f}, te[2] = {0.f, 1.f}, ge[2];
    l = k->bce(ze, te, ge, 2);
    NODEGRAD_CHECK(l == 1e4 && ge[0] == 0.5f && ge[1] == -0.5f, "extreme logits");
  }
}
