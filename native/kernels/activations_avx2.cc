// AVX2+FMA activation kernels, 8 floats per step with unaligned loads. The
// tail (n % 8 elements) goes through the same vector code with masked loads
// and stores, so every element gets identical arithmetic wherever it sits.
//
// exp: clamp x to [-104, 89] (NaN kept), n = round(x*log2(e)),
// r = x - n*ln2 (two-part ln2, FMA), e^r = 1 + r + r^2*q(r) with q a degree-4
// fit (own least-squares minimax fit; max relative error of the polynomial
// 9e-9, i.e. 0.07 ulp, on |r| <= ln2/2), then 2^n applied as two factors
// 2^(n>>1) * 2^(n-(n>>1)) so results that overflow become +inf and results in
// the subnormal range are rounded once. expm1 (ELU, x <= 0) is
// 2^n*(e^r - 1) + (2^n - 1) in one FMA, exact-relative near 0.
// tanh: |x| < 0.55 uses x + x^3*P(x^2) (degree-4 fit, 0.04 ulp), above it
// 1 - 2/(e^(2|x|)+1), which is exactly 1 once 2/(e^(2|x|)+1) < 2^-25; the sign
// is copied from x. sigmoid: e = exp(-|x|) <= 1, y = (x < 0 ? e : 1)/(1 + e),
// which never overflows.
// Measured maximum distance from the float64 result rounded to float32 (dense
// sweep in native/selftest/activations_test.cc): exp 1 ulp, sigmoid 2, tanh 2,
// elu 2 (plus the rounding of alpha*), see the README for the test bounds.
#include "../platform.h"
#include "activations.h"

#if NODEGRAD_X64
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace nodegrad {
namespace {

// q(r) = (e^r - 1 - r) / r^2 on |r| <= ln2/2.
constexpr float kQ0 = 0.5f, kQ1 = 0.16666537523269653f, kQ2 = 0.04166559502482414f,
                kQ3 = 0.008367110975086689f, kQ4 = 0.0013993047177791595f;
// P(u) = (tanh(x) - x) / x^3 with u = x^2 on x in [0, 0.55].
constexpr float kT0 = -0.33333322405815125f, kT1 = 0.13332700729370117f,
                kT2 = -0.05386294052004814f, kT3 = 0.021111834794282913f,
                kT4 = -0.006327762734144926f;
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;  // 9 significant bits: n*kLn2Hi is exact
constexpr float kLn2Lo = -2.12194440e-4f;
constexpr float kTanhSmall = 0.55f;

inline __m256i tail_mask(size_t m) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(m)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline __m256 sign_bit() { return _mm256_set1_ps(-0.0f); }

// min/max return their second operand when either is NaN: putting x second
// keeps a NaN input NaN.
inline __m256 clamp(__m256 x, float lo, float hi) {
  return _mm256_max_ps(_mm256_set1_ps(lo), _mm256_min_ps(_mm256_set1_ps(hi), x));
}

// Splits x into n (an integer-valued float) and r = x - n*ln2, and returns
// e^r - 1 = r + r^2*q(r).
inline __m256 reduce_expm1(__m256 x, __m256* n_out) {
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kLog2e)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), r);
  __m256 q = _mm256_fmadd_ps(_mm256_set1_ps(kQ4), r, _mm256_set1_ps(kQ3));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(kQ2));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(kQ1));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(kQ0));
  *n_out = n;
  return _mm256_fmadd_ps(_mm256_mul_ps(r, r), q, r);
}

inline __m256 pow2(__m256i n) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
}

inline __m256 exp8(__m256 x) {
  __m256 n;
  const __m256 pm1 = reduce_expm1(clamp(x, -104.0f, 89.0f), &n);
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i n1 = _mm256_srai_epi32(ni, 1);
  const __m256 p = _mm256_add_ps(pm1, _mm256_set1_ps(1.0f));
  return _mm256_mul_ps(_mm256_mul_ps(p, pow2(n1)), pow2(_mm256_sub_epi32(ni, n1)));
}

// expm1 for x <= 0 (positive x is treated as 0; NaN stays NaN). Below -30
// the result is -1 in float, so clamping there keeps 2^n normal.
inline __m256 expm1_nonpositive8(__m256 x) {
  __m256 n;
  const __m256 pm1 = reduce_expm1(clamp(x, -30.0f, 0.0f), &n);
  const __m256 s = pow2(_mm256_cvtps_epi32(n));
  const __m256 y = _mm256_fmadd_ps(s, pm1, _mm256_sub_ps(s, _mm256_set1_ps(1.0f)));
  // expm1(-0) is -0: every result here is <= 0, so x's sign bit is its sign.
  return _mm256_or_ps(y, _mm256_and_ps(x, sign_bit()));
}

inline __m256 tanh8(__m256 x) {
  const __m256 a = _mm256_andnot_ps(sign_bit(), x);
  const __m256 u = _mm256_mul_ps(a, a);
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(kT4), u, _mm256_set1_ps(kT3));
  p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(kT2));
  p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(kT1));
  p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(kT0));
  const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(a, u), p, a);
  const __m256 e = exp8(_mm256_add_ps(a, a));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 large =
      _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
  // NaN compares false and takes the large branch, where it stays NaN.
  const __m256 t =
      _mm256_blendv_ps(large, small, _mm256_cmp_ps(a, _mm256_set1_ps(kTanhSmall), _CMP_LT_OQ));
  return _mm256_or_ps(t, _mm256_and_ps(x, sign_bit()));
}

inline __m256 sigmoid8(__m256 x) {
  const __m256 e = exp8(_mm256_or_ps(x, sign_bit()));  // exp(-|x|) <= 1
  const __m256 one = _mm256_set1_ps(1.0f);
  // blendv picks by the sign bit: e / (1 + e) for negative x, 1 / (1 + e) else.
  return _mm256_div_ps(_mm256_blendv_ps(one, e, x), _mm256_add_ps(one, e));
}

inline __m256 gt0(__m256 x) { return _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ); }

// Elementwise drivers: the body and the masked tail call the same op.
template <class Op>
inline void map1(const float* x, float* y, size_t n, Op op) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, op(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i m = tail_mask(n - i);
    _mm256_maskstore_ps(y + i, m, op(_mm256_maskload_ps(x + i, m)));
  }
}

template <class Op>
inline void map2(const float* a, const float* b, float* out, size_t n, Op op) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(out + i, op(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  }
  if (i < n) {
    const __m256i m = tail_mask(n - i);
    _mm256_maskstore_ps(out + i, m, op(_mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m)));
  }
}

void relu(const float* x, float* y, size_t n) {
  // Keep x where x > 0 or x is NaN ("not <=", unordered true); else +0.
  map1(x, y, n, [](__m256 v) {
    return _mm256_and_ps(v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_NLE_UQ));
  });
}

void relu_backward(const float* x, const float* dy, float* dx, size_t n) {
  map2(x, dy, dx, n, [](__m256 v, __m256 g) { return _mm256_and_ps(gt0(v), g); });
}

void leaky_relu(const float* x, float* y, size_t n, float alpha) {
  const __m256 a = _mm256_set1_ps(alpha);
  map1(x, y, n, [a](__m256 v) { return _mm256_blendv_ps(_mm256_mul_ps(a, v), v, gt0(v)); });
}

void leaky_relu_backward(const float* x, const float* dy, float* dx, size_t n, float alpha) {
  const __m256 a = _mm256_set1_ps(alpha);
  map2(x, dy, dx, n,
       [a](__m256 v, __m256 g) { return _mm256_blendv_ps(_mm256_mul_ps(a, g), g, gt0(v)); });
}

void elu(const float* x, float* y, size_t n, float alpha) {
  const __m256 a = _mm256_set1_ps(alpha);
  map1(x, y, n, [a](__m256 v) {
    return _mm256_blendv_ps(_mm256_mul_ps(a, expm1_nonpositive8(v)), v, gt0(v));
  });
}

void elu_backward(const float* x, const float* dy, float* dx, size_t n, float alpha) {
  const __m256 a = _mm256_set1_ps(alpha);
  map2(x, dy, dx, n, [a](__m256 v, __m256 g) {
    const __m256 neg = _mm256_mul_ps(_mm256_mul_ps(a, exp8(v)), g);
    return _mm256_blendv_ps(neg, g, gt0(v));
  });
}

void sigmoid(const float* x, float* y, size_t n) { map1(x, y, n, sigmoid8); }

void sigmoid_backward(const float* y, const float* dy, float* dx, size_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  map2(y, dy, dx, n, [one](__m256 s, __m256 g) {
    return _mm256_mul_ps(_mm256_mul_ps(g, s), _mm256_sub_ps(one, s));
  });
}

void tanh(const float* x, float* y, size_t n) { map1(x, y, n, tanh8); }

void tanh_backward(const float* y, const float* dy, float* dx, size_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  map2(y, dy, dx, n, [one](__m256 t, __m256 g) {
    return _mm256_mul_ps(g, _mm256_mul_ps(_mm256_sub_ps(one, t), _mm256_add_ps(one, t)));
  });
}

inline __m256 prelu8(__m256 v, __m256 a) {
  return _mm256_blendv_ps(_mm256_mul_ps(a, v), v, gt0(v));
}

void prelu(const float* x, const float* alpha, float* y, size_t rows, size_t features) {
  if (features == 1) {
    const __m256 a = _mm256_set1_ps(alpha[0]);
    map1(x, y, rows, [a](__m256 v) { return prelu8(v, a); });
    return;
  }
  for (size_t r = 0; r < rows; r++) {
    const float* xr = x + r * features;
    float* yr = y + r * features;
    size_t j = 0;
    for (; j + 8 <= features; j += 8) {
      _mm256_storeu_ps(yr + j, prelu8(_mm256_loadu_ps(xr + j), _mm256_loadu_ps(alpha + j)));
    }
    if (j < features) {
      const __m256i m = tail_mask(features - j);
      _mm256_maskstore_ps(yr + j, m,
                          prelu8(_mm256_maskload_ps(xr + j, m), _mm256_maskload_ps(alpha + j, m)));
    }
  }
}

// One 8-wide step of PReLU backward: writes dx (after reading x and dy, which
// it may alias) and returns the dalpha contributions x*dy (exact in double)
// with the x > 0 lanes cleared by a bit select.
struct Contrib {
  __m256d lo, hi;
};

inline Contrib prelu_back8(__m256 v, __m256 g, __m256 a, __m256* dx) {
  const __m256 pos = gt0(v);
  *dx = _mm256_blendv_ps(_mm256_mul_ps(a, g), g, pos);
  const __m256i posi = _mm256_castps_si256(pos);
  const __m256d mlo = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(posi)));
  const __m256d mhi = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(posi, 1)));
  const __m256d plo = _mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)),
                                    _mm256_cvtps_pd(_mm256_castps256_ps128(g)));
  const __m256d phi = _mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)),
                                    _mm256_cvtps_pd(_mm256_extractf128_ps(g, 1)));
  return {_mm256_andnot_pd(mlo, plo), _mm256_andnot_pd(mhi, phi)};
}

// Shared alpha: eight double lanes accumulate, then are summed in a fixed
// order (deterministic; differs from the reference's sequential order only
// in double rounding, far below float32's).
void prelu_backward_shared(const float* x, float alpha, const float* dy, float* dx, float* dalpha,
                           size_t n) {
  const __m256 a = _mm256_set1_ps(alpha);
  __m256d acc_lo = _mm256_setzero_pd(), acc_hi = _mm256_setzero_pd();
  size_t i = 0;
  __m256 d;
  for (; i + 8 <= n; i += 8) {
    const Contrib c = prelu_back8(_mm256_loadu_ps(x + i), _mm256_loadu_ps(dy + i), a, &d);
    _mm256_storeu_ps(dx + i, d);
    acc_lo = _mm256_add_pd(acc_lo, c.lo);
    acc_hi = _mm256_add_pd(acc_hi, c.hi);
  }
  if (i < n) {
    // Masked-off lanes load x = dy = 0 and contribute +0.
    const __m256i m = tail_mask(n - i);
    const Contrib c =
        prelu_back8(_mm256_maskload_ps(x + i, m), _mm256_maskload_ps(dy + i, m), a, &d);
    _mm256_maskstore_ps(dx + i, m, d);
    acc_lo = _mm256_add_pd(acc_lo, c.lo);
    acc_hi = _mm256_add_pd(acc_hi, c.hi);
  }
  double lanes[8];
  _mm256_storeu_pd(lanes, acc_lo);
  _mm256_storeu_pd(lanes + 4, acc_hi);
  double s = 0.0;
  for (int k = 0; k < 8; k++) s += lanes[k];
  dalpha[0] = static_cast<float>(s);
}

// Per-feature alpha: features in chunks whose double accumulators fit on the
// stack, rows in order within a chunk, so each dalpha[j] is summed in the
// reference's order (bitwise equal to it). +8 slack: the masked tail adds +0.
constexpr size_t kChunk = 512;

inline void add_to(double* acc, const Contrib& c) {
  _mm256_storeu_pd(acc, _mm256_add_pd(_mm256_loadu_pd(acc), c.lo));
  _mm256_storeu_pd(acc + 4, _mm256_add_pd(_mm256_loadu_pd(acc + 4), c.hi));
}

void prelu_backward(const float* x, const float* alpha, const float* dy, float* dx, float* dalpha,
                    size_t rows, size_t features) {
  if (features == 1) {
    prelu_backward_shared(x, alpha[0], dy, dx, dalpha, rows);
    return;
  }
  double acc[kChunk + 8];
  for (size_t j0 = 0; j0 < features; j0 += kChunk) {
    const size_t w = features - j0 < kChunk ? features - j0 : kChunk;
    for (size_t k = 0; k < w + 8; k++) acc[k] = 0.0;
    for (size_t r = 0; r < rows; r++) {
      const size_t base = r * features + j0;
      size_t k = 0;
      __m256 d;
      for (; k + 8 <= w; k += 8) {
        const Contrib c = prelu_back8(_mm256_loadu_ps(x + base + k), _mm256_loadu_ps(dy + base + k),
                                      _mm256_loadu_ps(alpha + j0 + k), &d);
        _mm256_storeu_ps(dx + base + k, d);
        add_to(acc + k, c);
      }
      if (k < w) {
        const __m256i m = tail_mask(w - k);
        const Contrib c =
            prelu_back8(_mm256_maskload_ps(x + base + k, m), _mm256_maskload_ps(dy + base + k, m),
                        _mm256_maskload_ps(alpha + j0 + k, m), &d);
        _mm256_maskstore_ps(dx + base + k, m, d);
        add_to(acc + k, c);
      }
    }
    for (size_t k = 0; k < w; k++) dalpha[j0 + k] = static_cast<float>(acc[k]);
  }
}

void exp_n(const float* x, float* y, size_t n) { map1(x, y, n, exp8); }
void expm1_n(const float* x, float* y, size_t n) { map1(x, y, n, expm1_nonpositive8); }

const ActivationKernels kTable = {relu, relu_backward, leaky_relu, leaky_relu_backward,
                                  elu,  elu_backward,  sigmoid,    sigmoid_backward,
                                  tanh, tanh_backward, prelu,      prelu_backward};
const ActivationMath kMath = {exp_n, expm1_n};

}  // namespace

const ActivationKernels* activation_kernels_avx2() { return &kTable; }
const ActivationMath* activation_math_avx2() { return &kMath; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ActivationKernels* activation_kernels_avx2() { return nullptr; }
const ActivationMath* activation_math_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
