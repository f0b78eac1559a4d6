// AVX2 loss kernels: MSE only (the one loss that is pure streaming work).
// Each gradient element is computed with the scalar kernel's double-precision
// operations in the same order, so gradients match the scalar path bitwise;
// the loss is summed in four double lanes (a different order than scalar:
// equal within a relative 1e-12 or so, see test/kernels/losses.test.ts).
// The exp-bound losses reuse the scalar kernels.
#include "../platform.h"
#include "losses.h"

#if NODEGRAD_X64
#include <immintrin.h>

namespace nodegrad {

namespace {

double mse_avx2(const float* pred, const float* target, float* grad, size_t count) {
  if (count == 0) return 0.0;
  const double scale_s = 2.0 / static_cast<double>(count);
  const __m256d scale = _mm256_set1_pd(scale_s);
  __m256d acc0 = _mm256_setzero_pd();
  __m256d acc1 = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256 p = _mm256_loadu_ps(pred + i);
    const __m256 t = _mm256_loadu_ps(target + i);
    const __m256d d0 = _mm256_sub_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(p)),
                                     _mm256_cvtps_pd(_mm256_castps256_ps128(t)));
    const __m256d d1 = _mm256_sub_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(p, 1)),
                                     _mm256_cvtps_pd(_mm256_extractf128_ps(t, 1)));
    acc0 = _mm256_add_pd(acc0, _mm256_mul_pd(d0, d0));
    acc1 = _mm256_add_pd(acc1, _mm256_mul_pd(d1, d1));
    const __m128 g0 = _mm256_cvtpd_ps(_mm256_mul_pd(d0, scale));
    const __m128 g1 = _mm256_cvtpd_ps(_mm256_mul_pd(d1, scale));
    _mm256_storeu_ps(grad + i, _mm256_insertf128_ps(_mm256_castps128_ps256(g0), g1, 1));
  }
  double lanes[4];
  _mm256_storeu_pd(lanes, _mm256_add_pd(acc0, acc1));
  double sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < count; ++i) {
    const double d = static_cast<double>(pred[i]) - static_cast<double>(target[i]);
    sum += d * d;
    grad[i] = static_cast<float>(d * scale_s);
  }
  return sum / static_cast<double>(count);
}

}  // namespace

const LossKernels* loss_kernels_avx2() {
  static const LossKernels table = {mse_avx2, softmax_ce_scalar, softmax_ce_labels_scalar,
                                    bce_scalar};
  return &table;
}

}  // namespace nodegrad

#else

namespace nodegrad {
const LossKernels* loss_kernels_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
