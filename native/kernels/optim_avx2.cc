// AVX2 optimizer kernels: the shared formulas (optim_body.inc) on 8 lanes.
// No FMA on purpose (see optim_body.inc): same bits as the scalar path; the
// kernels are bound by memory bandwidth, not arithmetic.
#include "../platform.h"
#include "optim.h"

#if NODEGRAD_X64
#include <immintrin.h>

#include <cstddef>

#include "simd_avx2.h"

namespace nodegrad {
namespace optim {
namespace {

using namespace simd;  // V, W, load, store, dup, add, sub, mul, div: the shared layer
// The layer has no square root; correctly rounded here, as every path's is.
V sqrt_v(V a) { return _mm256_sqrt_ps(a); }

#include "optim_body.inc"

// Two 4-lane double accumulators over blocks of 8, then the tail in order.
double sum_squares(const float* x, size_t n) {
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256d a = _mm256_cvtps_pd(_mm_loadu_ps(x + i));
    const __m256d b = _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4));
    s0 = _mm256_add_pd(s0, _mm256_mul_pd(a, a));
    s1 = _mm256_add_pd(s1, _mm256_mul_pd(b, b));
  }
  double lanes[4];
  _mm256_storeu_pd(lanes, _mm256_add_pd(s0, s1));
  double s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < n; i++) {
    const double d = x[i];
    s += d * d;
  }
  return s;
}

const OptimKernels kTable = {sgd_step,  momentum_step,     rms_step,
                             adam_step, rms_momentum_step, sum_squares};

}  // namespace

const OptimKernels* optim_kernels_avx2() { return &kTable; }

}  // namespace optim
}  // namespace nodegrad

#else

namespace nodegrad {
namespace optim {
const OptimKernels* optim_kernels_avx2() { return nullptr; }
}  // namespace optim
}  // namespace nodegrad

#endif
