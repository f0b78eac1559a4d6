// AVX2+FMA probes: 12 independent ymm FMA chains (FMA latency 4-5 cycles x 2
// pipes needs at least 10) and a ymm load/add/store copy.
#include "../platform.h"
#include "probes.h"

#if NODEGRAD_X64
#include <immintrin.h>

namespace nodegrad {

namespace {

float avx2_fma_loop(size_t iterations, float mul, float add) {
  const __m256 m = _mm256_set1_ps(mul);
  const __m256 a = _mm256_set1_ps(add);
  __m256 c0 = _mm256_set1_ps(0.0f), c1 = _mm256_set1_ps(0.1f), c2 = _mm256_set1_ps(0.2f);
  __m256 c3 = _mm256_set1_ps(0.3f), c4 = _mm256_set1_ps(0.4f), c5 = _mm256_set1_ps(0.5f);
  __m256 c6 = _mm256_set1_ps(0.6f), c7 = _mm256_set1_ps(0.7f), c8 = _mm256_set1_ps(0.8f);
  __m256 c9 = _mm256_set1_ps(0.9f), c10 = _mm256_set1_ps(1.0f), c11 = _mm256_set1_ps(1.1f);
  for (size_t i = 0; i < iterations; ++i) {
    c0 = _mm256_fmadd_ps(c0, m, a);
    c1 = _mm256_fmadd_ps(c1, m, a);
    c2 = _mm256_fmadd_ps(c2, m, a);
    c3 = _mm256_fmadd_ps(c3, m, a);
    c4 = _mm256_fmadd_ps(c4, m, a);
    c5 = _mm256_fmadd_ps(c5, m, a);
    c6 = _mm256_fmadd_ps(c6, m, a);
    c7 = _mm256_fmadd_ps(c7, m, a);
    c8 = _mm256_fmadd_ps(c8, m, a);
    c9 = _mm256_fmadd_ps(c9, m, a);
    c10 = _mm256_fmadd_ps(c10, m, a);
    c11 = _mm256_fmadd_ps(c11, m, a);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                           _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}

void avx2_copy(const float* src, float* dst, size_t n) {
  const __m256 zero = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 a = _mm256_loadu_ps(src + i);
    __m256 b = _mm256_loadu_ps(src + i + 8);
    __m256 c = _mm256_loadu_ps(src + i + 16);
    __m256 d = _mm256_loadu_ps(src + i + 24);
    _mm256_storeu_ps(dst + i, _mm256_add_ps(a, zero));
    _mm256_storeu_ps(dst + i + 8, _mm256_add_ps(b, zero));
    _mm256_storeu_ps(dst + i + 16, _mm256_add_ps(c, zero));
    _mm256_storeu_ps(dst + i + 24, _mm256_add_ps(d, zero));
  }
  for (; i < n; ++i) dst[i] = src[i] + 0.0f;
}

void avx2_update(float* x, size_t n) {
  const __m256 zero = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 a = _mm256_loadu_ps(x + i);
    __m256 b = _mm256_loadu_ps(x + i + 8);
    __m256 c = _mm256_loadu_ps(x + i + 16);
    __m256 d = _mm256_loadu_ps(x + i + 24);
    _mm256_storeu_ps(x + i, _mm256_add_ps(a, zero));
    _mm256_storeu_ps(x + i + 8, _mm256_add_ps(b, zero));
    _mm256_storeu_ps(x + i + 16, _mm256_add_ps(c, zero));
    _mm256_storeu_ps(x + i + 24, _mm256_add_ps(d, zero));
  }
  for (; i < n; ++i) x[i] = x[i] + 0.0f;
}

const ProbeKernels kAvx2 = {avx2_fma_loop, 12 * 8 * 2, avx2_copy, avx2_update};

}  // namespace

const ProbeKernels* probe_kernels_avx2() { return &kAvx2; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ProbeKernels* probe_kernels_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
