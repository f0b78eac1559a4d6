// The thin SIMD layer for AVX-512F: 16 float lanes, comparisons into opmask
// registers, masked loads and stores for the tail. Include it only from a
// *_avx512.cc unit (compiled with -mavx512f -mavx2 -mfma, reached only after
// cpu.cc's CPUID + XGETBV check); anonymous namespace as in simd_avx2.h.
// Only AVX-512F instructions: the float and/or forms (_mm512_and_ps ...) are
// AVX-512DQ, so bit operations go through the integer forms.
#pragma once

// GCC 12's AVX-512 intrinsics build their "undefined" pass-through vectors by
// self-initialisation (__Y = __Y), which -Wmaybe-uninitialized reports at
// every inlined use; the values are never read. Only this ISA's units include
// this header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace nodegrad {
namespace {
namespace simd {

constexpr size_t W = 16;
constexpr const char* kIsa = "avx512";
using V = __m512;
using Mask = __mmask16;
using VI = __m512i;

inline __mmask16 tail_mask(size_t m) { return static_cast<__mmask16>((1u << m) - 1u); }

inline V load(const float* p) { return _mm512_loadu_ps(p); }
inline void store(float* p, V v) { _mm512_storeu_ps(p, v); }
// m < W lanes; masked-off lanes read as +0 and are never accessed.
inline V load_tail(const float* p, size_t m) { return _mm512_maskz_loadu_ps(tail_mask(m), p); }
inline void store_tail(float* p, V v, size_t m) { _mm512_mask_storeu_ps(p, tail_mask(m), v); }

inline V dup(float c) { return _mm512_set1_ps(c); }
inline V zero() { return _mm512_setzero_ps(); }
inline V add(V a, V b) { return _mm512_add_ps(a, b); }
inline V sub(V a, V b) { return _mm512_sub_ps(a, b); }
inline V mul(V a, V b) { return _mm512_mul_ps(a, b); }
inline V div(V a, V b) { return _mm512_div_ps(a, b); }
inline V vsqrt(V a) { return _mm512_sqrt_ps(a); }  // correctly rounded
inline V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
inline V fnmadd(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
inline V fmsub(V a, V b, V c) { return _mm512_fmsub_ps(a, b, c); }

inline VI bits(V x) { return _mm512_castps_si512(x); }
inline V from_bits(VI x) { return _mm512_castsi512_ps(x); }
inline VI sign_bits() { return _mm512_set1_epi32(static_cast<int>(0x80000000u)); }
inline V abs(V x) { return from_bits(_mm512_andnot_si512(sign_bits(), bits(x))); }
inline V neg_abs(V x) { return from_bits(_mm512_or_si512(bits(x), sign_bits())); }
inline V or_sign(V y, V x) {
  return from_bits(_mm512_or_si512(bits(y), _mm512_and_si512(bits(x), sign_bits())));
}
// As in simd_avx2.h: min/max return the second operand on NaN, x goes second.
inline V clamp(V x, float lo, float hi) {
  return _mm512_max_ps(_mm512_set1_ps(lo), _mm512_min_ps(_mm512_set1_ps(hi), x));
}

inline V round_nearest(V x) {
  return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
inline VI to_int(V x) { return _mm512_cvtps_epi32(x); }
inline VI int_sub(VI a, VI b) { return _mm512_sub_epi32(a, b); }
inline VI int_half(VI a) { return _mm512_srai_epi32(a, 1); }
inline V pow2(VI n) {
  return from_bits(_mm512_slli_epi32(_mm512_add_epi32(n, _mm512_set1_epi32(127)), 23));
}

inline Mask gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
inline Mask lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
inline Mask nle(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NLE_UQ); }
inline Mask sign_set(V x) { return _mm512_test_epi32_mask(bits(x), sign_bits()); }
inline V select(Mask m, V t, V f) { return _mm512_mask_blend_ps(m, f, t); }
inline V keep(Mask m, V v) { return _mm512_maskz_mov_ps(m, v); }

struct VD {
  __m512d lo, hi;
};
inline __m256 low8(V v) { return _mm512_castps512_ps256(v); }
inline __m256 high8(V v) {
  return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
}
inline VD dzero() { return {_mm512_setzero_pd(), _mm512_setzero_pd()}; }
inline VD ddup(double c) { return {_mm512_set1_pd(c), _mm512_set1_pd(c)}; }
inline VD widen(V v) { return {_mm512_cvtps_pd(low8(v)), _mm512_cvtps_pd(high8(v))}; }
inline V narrow(VD d) {
  const __m256 lo = _mm512_cvtpd_ps(d.lo), hi = _mm512_cvtpd_ps(d.hi);
  return _mm512_castpd_ps(
      _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
}
inline VD dadd(VD a, VD b) { return {_mm512_add_pd(a.lo, b.lo), _mm512_add_pd(a.hi, b.hi)}; }
inline VD dsub(VD a, VD b) { return {_mm512_sub_pd(a.lo, b.lo), _mm512_sub_pd(a.hi, b.hi)}; }
inline VD dmul(VD a, VD b) { return {_mm512_mul_pd(a.lo, b.lo), _mm512_mul_pd(a.hi, b.hi)}; }
inline VD dkeep_not(Mask m, VD d) {
  const __mmask8 lo = static_cast<__mmask8>(~m & 0xFF),
                 hi = static_cast<__mmask8>((~m >> 8) & 0xFF);
  return {_mm512_maskz_mov_pd(lo, d.lo), _mm512_maskz_mov_pd(hi, d.hi)};
}
inline VD dload(const double* p) { return {_mm512_loadu_pd(p), _mm512_loadu_pd(p + 8)}; }
inline void dstore(double* p, VD d) {
  _mm512_storeu_pd(p, d.lo);
  _mm512_storeu_pd(p + 8, d.hi);
}
// (lo + hi), then pairwise over the 8 lanes.
inline double dsum(VD d) {
  double l[8];
  _mm512_storeu_pd(l, _mm512_add_pd(d.lo, d.hi));
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

}  // namespace simd
}  // namespace
}  // namespace nodegrad
