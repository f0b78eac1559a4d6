// AArch64 NEON activation kernels, 4 floats per step. Same algorithms and
// coefficients as activations_avx2.cc (see its header comment for the exp,
// expm1, tanh and sigmoid forms and their measured error); NEON's vminq/vmaxq
// propagate NaN, and the tail (n % 4) is copied through a zero-padded stack
// block so it gets exactly the body's arithmetic.
#include "../platform.h"
#include "activations.h"

#if NODEGRAD_ARM64
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nodegrad {
namespace {

constexpr float kQ0 = 0.5f, kQ1 = 0.16666537523269653f, kQ2 = 0.04166559502482414f,
                kQ3 = 0.008367110975086689f, kQ4 = 0.0013993047177791595f;
constexpr float kT0 = -0.33333322405815125f, kT1 = 0.13332700729370117f,
                kT2 = -0.05386294052004814f, kT3 = 0.021111834794282913f,
                kT4 = -0.006327762734144926f;
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;
constexpr float kTanhSmall = 0.55f;

using f4 = float32x4_t;

inline f4 dup(float v) { return vdupq_n_f32(v); }
inline uint32x4_t sign_bits() { return vdupq_n_u32(0x80000000u); }
inline f4 or_sign_of(f4 y, f4 x) {
  return vreinterpretq_f32_u32(
      vorrq_u32(vreinterpretq_u32_f32(y), vandq_u32(vreinterpretq_u32_f32(x), sign_bits())));
}

inline f4 clamp(f4 x, float lo, float hi) { return vmaxq_f32(dup(lo), vminq_f32(dup(hi), x)); }

inline f4 reduce_expm1(f4 x, f4* n_out) {
  const f4 n = vrndnq_f32(vmulq_f32(x, dup(kLog2e)));
  f4 r = vfmsq_f32(x, n, dup(kLn2Hi));
  r = vfmsq_f32(r, n, dup(kLn2Lo));
  f4 q = vfmaq_f32(dup(kQ3), dup(kQ4), r);
  q = vfmaq_f32(dup(kQ2), q, r);
  q = vfmaq_f32(dup(kQ1), q, r);
  q = vfmaq_f32(dup(kQ0), q, r);
  *n_out = n;
  return vfmaq_f32(r, vmulq_f32(r, r), q);
}

inline f4 pow2(int32x4_t n) {
  return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n, vdupq_n_s32(127)), 23));
}

inline f4 exp4(f4 x) {
  f4 n;
  const f4 pm1 = reduce_expm1(clamp(x, -104.0f, 89.0f), &n);
  const int32x4_t ni = vcvtq_s32_f32(n);
  const int32x4_t n1 = vshrq_n_s32(ni, 1);
  const f4 p = vaddq_f32(pm1, dup(1.0f));
  return vmulq_f32(vmulq_f32(p, pow2(n1)), pow2(vsubq_s32(ni, n1)));
}

inline f4 expm1_nonpositive4(f4 x) {
  f4 n;
  const f4 pm1 = reduce_expm1(clamp(x, -30.0f, 0.0f), &n);
  const f4 s = pow2(vcvtq_s32_f32(n));
  return or_sign_of(vfmaq_f32(vsubq_f32(s, dup(1.0f)), s, pm1), x);
}

inline f4 tanh4(f4 x) {
  const f4 a = vabsq_f32(x);
  const f4 u = vmulq_f32(a, a);
  f4 p = vfmaq_f32(dup(kT3), dup(kT4), u);
  p = vfmaq_f32(dup(kT2), p, u);
  p = vfmaq_f32(dup(kT1), p, u);
  p = vfmaq_f32(dup(kT0), p, u);
  const f4 small = vfmaq_f32(a, vmulq_f32(a, u), p);
  const f4 e = exp4(vaddq_f32(a, a));
  const f4 large = vsubq_f32(dup(1.0f), vdivq_f32(dup(2.0f), vaddq_f32(e, dup(1.0f))));
  return or_sign_of(vbslq_f32(vcltq_f32(a, dup(kTanhSmall)), small, large), x);
}

inline f4 sigmoid4(f4 x) {
  const f4 e = exp4(vnegq_f32(vabsq_f32(x)));
  const uint32x4_t negative = vtstq_u32(vreinterpretq_u32_f32(x), sign_bits());
  return vdivq_f32(vbslq_f32(negative, e, dup(1.0f)), vaddq_f32(dup(1.0f), e));
}

inline uint32x4_t gt0(f4 x) { return vcgtq_f32(x, dup(0.0f)); }

template <class Op>
inline void map1(const float* x, float* y, size_t n, Op op) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(y + i, op(vld1q_f32(x + i)));
  if (i < n) {
    float a[4] = {0, 0, 0, 0}, o[4];
    std::memcpy(a, x + i, (n - i) * sizeof(float));
    vst1q_f32(o, op(vld1q_f32(a)));
    std::memcpy(y + i, o, (n - i) * sizeof(float));
  }
}

template <class Op>
inline void map2(const float* p, const float* q, float* out, size_t n, Op op) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(out + i, op(vld1q_f32(p + i), vld1q_f32(q + i)));
  if (i < n) {
    float a[4] = {0, 0, 0, 0}, b[4] = {0, 0, 0, 0}, o[4];
    std::memcpy(a, p + i, (n - i) * sizeof(float));
    std::memcpy(b, q + i, (n - i) * sizeof(float));
    vst1q_f32(o, op(vld1q_f32(a), vld1q_f32(b)));
    std::memcpy(out + i, o, (n - i) * sizeof(float));
  }
}

void relu(const float* x, float* y, size_t n) {
  // Keep x where !(x <= 0): positive or NaN; else +0.
  map1(x, y, n, [](f4 v) {
    return vreinterpretq_f32_u32(
        vbicq_u32(vreinterpretq_u32_f32(v), vcleq_f32(v, vdupq_n_f32(0.0f))));
  });
}

void relu_backward(const float* x, const float* dy, float* dx, size_t n) {
  map2(x, dy, dx, n, [](f4 v, f4 g) {
    return vreinterpretq_f32_u32(vandq_u32(gt0(v), vreinterpretq_u32_f32(g)));
  });
}

void leaky_relu(const float* x, float* y, size_t n, float alpha) {
  const f4 a = dup(alpha);
  map1(x, y, n, [a](f4 v) { return vbslq_f32(gt0(v), v, vmulq_f32(a, v)); });
}

void leaky_relu_backward(const float* x, const float* dy, float* dx, size_t n, float alpha) {
  const f4 a = dup(alpha);
  map2(x, dy, dx, n, [a](f4 v, f4 g) { return vbslq_f32(gt0(v), g, vmulq_f32(a, g)); });
}

void elu(const float* x, float* y, size_t n, float alpha) {
  const f4 a = dup(alpha);
  map1(x, y, n, [a](f4 v) { return vbslq_f32(gt0(v), v, vmulq_f32(a, expm1_nonpositive4(v))); });
}

void elu_backward(const float* x, const float* dy, float* dx, size_t n, float alpha) {
  const f4 a = dup(alpha);
  map2(x, dy, dx, n,
       [a](f4 v, f4 g) { return vbslq_f32(gt0(v), g, vmulq_f32(vmulq_f32(a, exp4(v)), g)); });
}

void sigmoid(const float* x, float* y, size_t n) { map1(x, y, n, sigmoid4); }

void sigmoid_backward(const float* y, const float* dy, float* dx, size_t n) {
  map2(y, dy, dx, n,
       [](f4 s, f4 g) { return vmulq_f32(vmulq_f32(g, s), vsubq_f32(vdupq_n_f32(1.0f), s)); });
}

void tanh(const float* x, float* y, size_t n) { map1(x, y, n, tanh4); }

void tanh_backward(const float* y, const float* dy, float* dx, size_t n) {
  map2(y, dy, dx, n, [](f4 t, f4 g) {
    const f4 one = vdupq_n_f32(1.0f);
    return vmulq_f32(g, vmulq_f32(vsubq_f32(one, t), vaddq_f32(one, t)));
  });
}

void prelu(const float* x, const float* alpha, float* y, size_t rows, size_t features) {
  if (features == 1) {
    const f4 a = dup(alpha[0]);
    map1(x, y, rows, [a](f4 v) { return vbslq_f32(gt0(v), v, vmulq_f32(a, v)); });
    return;
  }
  for (size_t r = 0; r < rows; r++) {
    map2(x + r * features, alpha, y + r * features, features,
         [](f4 v, f4 a) { return vbslq_f32(gt0(v), v, vmulq_f32(a, v)); });
  }
}

// One 4-wide PReLU backward step: returns dx and the dalpha contributions
// (x*dy exact in double) with the x > 0 lanes cleared by a bit select.
struct Step {
  f4 dx;
  float64x2_t lo, hi;
};

inline Step prelu_back4(f4 v, f4 g, f4 a) {
  const uint32x4_t pos = gt0(v);
  const int32x4_t posi = vreinterpretq_s32_u32(pos);
  const uint64x2_t mlo = vreinterpretq_u64_s64(vmovl_s32(vget_low_s32(posi)));
  const uint64x2_t mhi = vreinterpretq_u64_s64(vmovl_high_s32(posi));
  const float64x2_t plo = vmulq_f64(vcvt_f64_f32(vget_low_f32(v)), vcvt_f64_f32(vget_low_f32(g)));
  const float64x2_t phi = vmulq_f64(vcvt_high_f64_f32(v), vcvt_high_f64_f32(g));
  Step s;
  s.dx = vbslq_f32(pos, g, vmulq_f32(a, g));
  s.lo = vreinterpretq_f64_u64(vbicq_u64(vreinterpretq_u64_f64(plo), mlo));
  s.hi = vreinterpretq_f64_u64(vbicq_u64(vreinterpretq_u64_f64(phi), mhi));
  return s;
}

// Copies the m < 4 leftover elements through zero-padded blocks.
inline Step prelu_back_tail(const float* x, const float* dy, const float* alpha, size_t m,
                            float* dx) {
  float xb[4] = {0, 0, 0, 0}, gb[4] = {0, 0, 0, 0}, ab[4] = {0, 0, 0, 0}, ob[4];
  std::memcpy(xb, x, m * sizeof(float));
  std::memcpy(gb, dy, m * sizeof(float));
  std::memcpy(ab, alpha, m * sizeof(float));
  const Step s = prelu_back4(vld1q_f32(xb), vld1q_f32(gb), vld1q_f32(ab));
  vst1q_f32(ob, s.dx);
  std::memcpy(dx, ob, m * sizeof(float));
  return s;
}

void prelu_backward_shared(const float* x, float alpha, const float* dy, float* dx, float* dalpha,
                           size_t n) {
  const f4 a = dup(alpha);
  float64x2_t acc_lo = vdupq_n_f64(0.0), acc_hi = vdupq_n_f64(0.0);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const Step s = prelu_back4(vld1q_f32(x + i), vld1q_f32(dy + i), a);
    vst1q_f32(dx + i, s.dx);
    acc_lo = vaddq_f64(acc_lo, s.lo);
    acc_hi = vaddq_f64(acc_hi, s.hi);
  }
  if (i < n) {
    const float al[4] = {alpha, alpha, alpha, alpha};
    const Step s = prelu_back_tail(x + i, dy + i, al, n - i, dx + i);
    acc_lo = vaddq_f64(acc_lo, s.lo);
    acc_hi = vaddq_f64(acc_hi, s.hi);
  }
  const double sum = (vgetq_lane_f64(acc_lo, 0) + vgetq_lane_f64(acc_lo, 1)) +
                     (vgetq_lane_f64(acc_hi, 0) + vgetq_lane_f64(acc_hi, 1));
  dalpha[0] = static_cast<float>(sum);
}

constexpr size_t kChunk = 512;

void prelu_backward(const float* x, const float* alpha, const float* dy, float* dx, float* dalpha,
                    size_t rows, size_t features) {
  if (features == 1) {
    prelu_backward_shared(x, alpha[0], dy, dx, dalpha, rows);
    return;
  }
  double acc[kChunk + 4];
  for (size_t j0 = 0; j0 < features; j0 += kChunk) {
    const size_t w = features - j0 < kChunk ? features - j0 : kChunk;
    for (size_t k = 0; k < w + 4; k++) acc[k] = 0.0;
    for (size_t r = 0; r < rows; r++) {
      const size_t base = r * features + j0;
      size_t k = 0;
      Step s;
      for (; k + 4 <= w; k += 4) {
        s = prelu_back4(vld1q_f32(x + base + k), vld1q_f32(dy + base + k),
                        vld1q_f32(alpha + j0 + k));
        vst1q_f32(dx + base + k, s.dx);
        vst1q_f64(acc + k, vaddq_f64(vld1q_f64(acc + k), s.lo));
        vst1q_f64(acc + k + 2, vaddq_f64(vld1q_f64(acc + k + 2), s.hi));
      }
      if (k < w) {
        s = prelu_back_tail(x + base + k, dy + base + k, alpha + j0 + k, w - k, dx + base + k);
        vst1q_f64(acc + k, vaddq_f64(vld1q_f64(acc + k), s.lo));
        vst1q_f64(acc + k + 2, vaddq_f64(vld1q_f64(acc + k + 2), s.hi));
      }
    }
    for (size_t k = 0; k < w; k++) dalpha[j0 + k] = static_cast<float>(acc[k]);
  }
}

void exp_n(const float* x, float* y, size_t n) { map1(x, y, n, exp4); }
void expm1_n(const float* x, float* y, size_t n) { map1(x, y, n, expm1_nonpositive4); }

const ActivationKernels kTable = {relu, relu_backward, leaky_relu, leaky_relu_backward,
                                  elu,  elu_backward,  sigmoid,    sigmoid_backward,
                                  tanh, tanh_backward, prelu,      prelu_backward};
const ActivationMath kMath = {exp_n, expm1_n};

}  // namespace

const ActivationKernels* activation_kernels_neon() { return &kTable; }
const ActivationMath* activation_math_neon() { return &kMath; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ActivationKernels* activation_kernels_neon() { return nullptr; }
const ActivationMath* activation_math_neon() { return nullptr; }
}  // namespace nodegrad

#endif
