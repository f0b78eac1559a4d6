// NEON optimizer kernels: the shared formulas (optim_body.inc) on 4 lanes.
// AArch64 has correctly rounded vector divide and square root, so the results
// equal the scalar path bit for bit.
#include "../platform.h"
#include "optim.h"

#if NODEGRAD_ARM64
#include <arm_neon.h>

#include <cstddef>

#include "simd_neon.h"

namespace nodegrad {
namespace optim {
namespace {

using namespace simd;  // V, W, load, store, dup, add, sub, mul, div: the shared layer
// The layer has no square root; correctly rounded here, as every path's is.
V sqrt_v(V a) { return vsqrtq_f32(a); }

#include "optim_body.inc"

// Two 2-lane double accumulators per 4 floats, then the tail in order.
double sum_squares(const float* x, size_t n) {
  float64x2_t s0 = vdupq_n_f64(0), s1 = vdupq_n_f64(0);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t f = vld1q_f32(x + i);
    const float64x2_t a = vcvt_f64_f32(vget_low_f32(f));
    const float64x2_t b = vcvt_high_f64_f32(f);
    s0 = vaddq_f64(s0, vmulq_f64(a, a));
    s1 = vaddq_f64(s1, vmulq_f64(b, b));
  }
  const float64x2_t t = vaddq_f64(s0, s1);
  double s = vgetq_lane_f64(t, 0) + vgetq_lane_f64(t, 1);
  for (; i < n; i++) {
    const double d = x[i];
    s += d * d;
  }
  return s;
}

const OptimKernels kTable = {sgd_step,  momentum_step,     rms_step,
                             adam_step, rms_momentum_step, sum_squares};

}  // namespace

const OptimKernels* optim_kernels_neon() { return &kTable; }

}  // namespace optim
}  // namespace nodegrad

#else

namespace nodegrad {
namespace optim {
const OptimKernels* optim_kernels_neon() { return nullptr; }
}  // namespace optim
}  // namespace nodegrad

#endif
