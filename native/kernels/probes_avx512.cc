// AVX-512F probes: 16 independent zmm FMA chains (FMA latency 4 cycles x 2
// pipes needs at least 8; 16 covers a 4-cycle, 2-pipe core with headroom, and
// a single-pipe core such as Zen 4's 512-bit FMA just reaches its peak too),
// and a zmm load/add/store copy and update. Compiled with -mavx512f only in
// this file; reached after cpu.cc's CPUID + XGETBV check.
#include "../platform.h"
#include "probes.h"

#if NODEGRAD_X64
#include <immintrin.h>

namespace nodegrad {

namespace {

constexpr int kChains = 16;

float avx512_fma_loop(size_t iterations, float mul, float add) {
  const __m512 m = _mm512_set1_ps(mul);
  const __m512 a = _mm512_set1_ps(add);
  __m512 c[kChains];
  for (int j = 0; j < kChains; ++j) c[j] = _mm512_set1_ps(0.1f * static_cast<float>(j));
  for (size_t i = 0; i < iterations; ++i) {
    // A fixed-count loop the compiler unrolls fully: the chains stay in zmm.
    for (int j = 0; j < kChains; ++j) c[j] = _mm512_fmadd_ps(c[j], m, a);
  }
  __m512 s = _mm512_setzero_ps();
  for (int j = 0; j < kChains; ++j) s = _mm512_add_ps(s, c[j]);
  float lanes[16];
  _mm512_storeu_ps(lanes, s);
  float r = 0.0f;
  for (float v : lanes) r += v;
  return r;
}

void avx512_copy(const float* src, float* dst, size_t n) {
  const __m512 zero = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512 a = _mm512_loadu_ps(src + i);
    __m512 b = _mm512_loadu_ps(src + i + 16);
    __m512 c = _mm512_loadu_ps(src + i + 32);
    __m512 d = _mm512_loadu_ps(src + i + 48);
    _mm512_storeu_ps(dst + i, _mm512_add_ps(a, zero));
    _mm512_storeu_ps(dst + i + 16, _mm512_add_ps(b, zero));
    _mm512_storeu_ps(dst + i + 32, _mm512_add_ps(c, zero));
    _mm512_storeu_ps(dst + i + 48, _mm512_add_ps(d, zero));
  }
  for (; i < n; ++i) dst[i] = src[i] + 0.0f;
}

void avx512_update(float* x, size_t n) {
  const __m512 zero = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512 a = _mm512_loadu_ps(x + i);
    __m512 b = _mm512_loadu_ps(x + i + 16);
    __m512 c = _mm512_loadu_ps(x + i + 32);
    __m512 d = _mm512_loadu_ps(x + i + 48);
    _mm512_storeu_ps(x + i, _mm512_add_ps(a, zero));
    _mm512_storeu_ps(x + i + 16, _mm512_add_ps(b, zero));
    _mm512_storeu_ps(x + i + 32, _mm512_add_ps(c, zero));
    _mm512_storeu_ps(x + i + 48, _mm512_add_ps(d, zero));
  }
  for (; i < n; ++i) x[i] = x[i] + 0.0f;
}

const ProbeKernels kAvx512 = {avx512_fma_loop, kChains * 16 * 2, avx512_copy, avx512_update};

}  // namespace

const ProbeKernels* probe_kernels_avx512() { return &kAvx512; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ProbeKernels* probe_kernels_avx512() { return nullptr; }
}  // namespace nodegrad

#endif
