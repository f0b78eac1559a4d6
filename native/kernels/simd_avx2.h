// The thin SIMD layer for AVX2+FMA: 8 float lanes. Include it only from a
// *_avx2.cc unit (compiled with -mavx2 -mfma); everything here lives in an
// anonymous namespace, so no inline code is shared with units compiled for
// another ISA (TOOLCHAIN.md: the linker could otherwise pick this unit's copy
// of an inline function for a baseline caller and crash a pre-AVX2 CPU).
//
// Every simd_<isa>.h offers the same names (see simd_scalar.h for the list
// and their exact semantics); a family's body (*_body.inc) is written once
// over them and compiled per ISA.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace nodegrad {
namespace {
namespace simd {

constexpr size_t W = 8;
constexpr const char* kIsa = "avx2";
using V = __m256;
using Mask = __m256;  // all-ones / all-zeros lanes
using VI = __m256i;

inline __m256i tail_mask(size_t m) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(m)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline V load(const float* p) { return _mm256_loadu_ps(p); }
inline void store(float* p, V v) { _mm256_storeu_ps(p, v); }
// m < W lanes; lanes >= m read as +0 and are never written (no access).
inline V load_tail(const float* p, size_t m) { return _mm256_maskload_ps(p, tail_mask(m)); }
inline void store_tail(float* p, V v, size_t m) { _mm256_maskstore_ps(p, tail_mask(m), v); }

inline V dup(float c) { return _mm256_set1_ps(c); }
inline V zero() { return _mm256_setzero_ps(); }
inline V add(V a, V b) { return _mm256_add_ps(a, b); }
inline V sub(V a, V b) { return _mm256_sub_ps(a, b); }
inline V mul(V a, V b) { return _mm256_mul_ps(a, b); }
inline V div(V a, V b) { return _mm256_div_ps(a, b); }
inline V vsqrt(V a) { return _mm256_sqrt_ps(a); }                     // correctly rounded
inline V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }    // a·b + c, one rounding
inline V fnmadd(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }  // c − a·b, one rounding
inline V fmsub(V a, V b, V c) { return _mm256_fmsub_ps(a, b, c); }    // a·b − c, one rounding

inline V sign_bit() { return _mm256_set1_ps(-0.0f); }
inline V abs(V x) { return _mm256_andnot_ps(sign_bit(), x); }
inline V neg_abs(V x) { return _mm256_or_ps(x, sign_bit()); }
inline V or_sign(V y, V x) { return _mm256_or_ps(y, _mm256_and_ps(x, sign_bit())); }
// max(lo, min(hi, x)), NaN x stays NaN: min/max return their second operand
// when either is NaN, so x goes second.
inline V clamp(V x, float lo, float hi) {
  return _mm256_max_ps(_mm256_set1_ps(lo), _mm256_min_ps(_mm256_set1_ps(hi), x));
}

inline V round_nearest(V x) {
  return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
inline VI to_int(V x) { return _mm256_cvtps_epi32(x); }
inline VI int_sub(VI a, VI b) { return _mm256_sub_epi32(a, b); }
inline VI int_half(VI a) { return _mm256_srai_epi32(a, 1); }
// 2^n for integer lanes n in [-126, 127].
inline V pow2(VI n) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
}

inline Mask gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
inline Mask lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
inline Mask nle(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_NLE_UQ); }  // !(a <= b): NaN true
inline Mask sign_set(V x) {
  return _mm256_castsi256_ps(_mm256_srai_epi32(_mm256_castps_si256(x), 31));
}
inline V select(Mask m, V t, V f) { return _mm256_blendv_ps(f, t, m); }
inline V keep(Mask m, V v) { return _mm256_and_ps(m, v); }  // v where m, else +0

// W double lanes, for sums that must not lose float32 bits.
struct VD {
  __m256d lo, hi;
};
inline VD dzero() { return {_mm256_setzero_pd(), _mm256_setzero_pd()}; }
inline VD ddup(double c) { return {_mm256_set1_pd(c), _mm256_set1_pd(c)}; }
inline VD widen(V v) {
  return {_mm256_cvtps_pd(_mm256_castps256_ps128(v)), _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1))};
}
inline V narrow(VD d) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(d.lo)), _mm256_cvtpd_ps(d.hi),
                              1);
}
inline VD dadd(VD a, VD b) { return {_mm256_add_pd(a.lo, b.lo), _mm256_add_pd(a.hi, b.hi)}; }
inline VD dsub(VD a, VD b) { return {_mm256_sub_pd(a.lo, b.lo), _mm256_sub_pd(a.hi, b.hi)}; }
inline VD dmul(VD a, VD b) { return {_mm256_mul_pd(a.lo, b.lo), _mm256_mul_pd(a.hi, b.hi)}; }
// d where !m, else +0.
inline VD dkeep_not(Mask m, VD d) {
  const __m256i mi = _mm256_castps_si256(m);
  const __m256d mlo = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(mi)));
  const __m256d mhi = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(mi, 1)));
  return {_mm256_andnot_pd(mlo, d.lo), _mm256_andnot_pd(mhi, d.hi)};
}
inline VD dload(const double* p) { return {_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4)}; }
inline void dstore(double* p, VD d) {
  _mm256_storeu_pd(p, d.lo);
  _mm256_storeu_pd(p + 4, d.hi);
}
// The lanes' sum in a fixed order: (lo + hi), then pairwise.
inline double dsum(VD d) {
  double l[4];
  _mm256_storeu_pd(l, _mm256_add_pd(d.lo, d.hi));
  return (l[0] + l[1]) + (l[2] + l[3]);
}

}  // namespace simd
}  // namespace
}  // namespace nodegrad
