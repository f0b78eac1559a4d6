// Scalar optimizer kernels: the shared formulas (optim_body.inc) with a
// one-lane "vector" of float. Not the SIMD layer's simd_scalar.h: that one
// computes in double, and these formulas must round to float32 after every
// operation to give the vector paths' bits.
#include <cmath>
#include <cstddef>

#include "optim.h"

namespace nodegrad {
namespace optim {
namespace {

using V = float;
constexpr size_t W = 1;
V load(const float* p) { return *p; }
void store(float* p, V x) { *p = x; }
V dup(float x) { return x; }
V add(V a, V b) { return a + b; }
V sub(V a, V b) { return a - b; }
V mul(V a, V b) { return a * b; }
V div(V a, V b) { return a / b; }
V sqrt_v(V a) { return std::sqrt(a); }

#include "optim_body.inc"

// Four partial sums in double: a fixed order, so the result is deterministic.
double sum_squares(const float* x, size_t n) {
  double s[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (size_t j = 0; j < 4; j++) {
      const double d = x[i + j];
      s[j] += d * d;
    }
  }
  for (; i < n; i++) {
    const double d = x[i];
    s[0] += d * d;
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}

const OptimKernels kTable = {sgd_step,  momentum_step,     rms_step,
                             adam_step, rms_momentum_step, sum_squares};

}  // namespace

const OptimKernels* optim_kernels_scalar() { return &kTable; }

}  // namespace optim
}  // namespace nodegrad
