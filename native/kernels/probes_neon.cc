// NEON probes: 16 independent 4-lane FMA chains (FMA latency 4 cycles on up
// to 4 pipes) and a q-register load/add/store copy.
#include "../platform.h"
#include "probes.h"

#if NODEGRAD_ARM64
#include <arm_neon.h>

namespace nodegrad {

namespace {

constexpr int kChains = 16;

float neon_fma_loop(size_t iterations, float mul, float add) {
  const float32x4_t m = vdupq_n_f32(mul);
  const float32x4_t a = vdupq_n_f32(add);
  float32x4_t c[kChains];
  for (int j = 0; j < kChains; ++j) c[j] = vdupq_n_f32(0.1f * static_cast<float>(j));
  for (size_t i = 0; i < iterations; ++i) {
    // vfmaq_f32(acc, x, y) = acc + x*y: each chain depends only on itself.
    for (int j = 0; j < kChains; ++j) c[j] = vfmaq_f32(a, c[j], m);
  }
  float32x4_t s = c[0];
  for (int j = 1; j < kChains; ++j) s = vaddq_f32(s, c[j]);
  return vaddvq_f32(s);
}

void neon_copy(const float* src, float* dst, size_t n) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    float32x4_t a = vld1q_f32(src + i);
    float32x4_t b = vld1q_f32(src + i + 4);
    float32x4_t c = vld1q_f32(src + i + 8);
    float32x4_t d = vld1q_f32(src + i + 12);
    vst1q_f32(dst + i, vaddq_f32(a, zero));
    vst1q_f32(dst + i + 4, vaddq_f32(b, zero));
    vst1q_f32(dst + i + 8, vaddq_f32(c, zero));
    vst1q_f32(dst + i + 12, vaddq_f32(d, zero));
  }
  for (; i < n; ++i) dst[i] = src[i] + 0.0f;
}

void neon_update(float* x, size_t n) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    float32x4_t a = vld1q_f32(x + i);
    float32x4_t b = vld1q_f32(x + i + 4);
    float32x4_t c = vld1q_f32(x + i + 8);
    float32x4_t d = vld1q_f32(x + i + 12);
    vst1q_f32(x + i, vaddq_f32(a, zero));
    vst1q_f32(x + i + 4, vaddq_f32(b, zero));
    vst1q_f32(x + i + 8, vaddq_f32(c, zero));
    vst1q_f32(x + i + 12, vaddq_f32(d, zero));
  }
  for (; i < n; ++i) x[i] = x[i] + 0.0f;
}

const ProbeKernels kNeon = {neon_fma_loop, kChains * 4 * 2, neon_copy, neon_update};

}  // namespace

const ProbeKernels* probe_kernels_neon() { return &kNeon; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ProbeKernels* probe_kernels_neon() { return nullptr; }
}  // namespace nodegrad

#endif
