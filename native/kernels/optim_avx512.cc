// AVX-512F optimizer kernels: the shared formulas (optim_body.inc) on 16
// lanes. No FMA on purpose (see optim_body.inc): the same bits as the scalar
// and AVX2 paths; the kernels are bound by memory bandwidth, not arithmetic.
// Compiled with -mavx512f only in this unit (binding.gyp / CMakeLists.txt).
#include "../platform.h"
#include "optim.h"

#if NODEGRAD_X64
// GCC 12's avx512fintrin.h starts several intrinsics (_mm512_cvtps_pd,
// _mm512_sqrt_ps, ...) from _mm512_undefined_*, which -Wmaybe-uninitialized
// reports at every inlined use: a false positive in the header, not here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstddef>

#include "simd_avx512.h"

namespace nodegrad {
namespace optim {
namespace {

using namespace simd;  // V, W, load, store, dup, add, sub, mul, div: the shared layer
// The layer has no square root; correctly rounded here, as every path's is.
V sqrt_v(V a) { return _mm512_sqrt_ps(a); }

#include "optim_body.inc"

// Two 8-lane double accumulators over blocks of 16, then the tail in order.
double sum_squares(const float* x, size_t n) {
  __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512d a = _mm512_cvtps_pd(_mm256_loadu_ps(x + i));
    const __m512d b = _mm512_cvtps_pd(_mm256_loadu_ps(x + i + 8));
    s0 = _mm512_add_pd(s0, _mm512_mul_pd(a, a));
    s1 = _mm512_add_pd(s1, _mm512_mul_pd(b, b));
  }
  double lanes[8];
  _mm512_storeu_pd(lanes, _mm512_add_pd(s0, s1));
  double s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
             ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  for (; i < n; i++) {
    const double d = x[i];
    s += d * d;
  }
  return s;
}

const OptimKernels kTable = {sgd_step,  momentum_step,     rms_step,
                             adam_step, rms_momentum_step, sum_squares};

}  // namespace

const OptimKernels* optim_kernels_avx512() { return &kTable; }

}  // namespace optim
}  // namespace nodegrad

#else

namespace nodegrad {
namespace optim {
const OptimKernels* optim_kernels_avx512() { return nullptr; }
}  // namespace optim
}  // namespace nodegrad

#endif
